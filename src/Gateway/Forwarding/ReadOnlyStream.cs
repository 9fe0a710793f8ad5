namespace LLMKube.Gateway.Forwarding;

/// <summary>
/// The part of <see cref="Stream"/> every forward-only, read-only stream here shares (a spliced request body,
/// a relayed response body, the mock's events): no seeking, no writing, and a synchronous read that waits on
/// <see cref="Stream.ReadAsync(Memory{byte}, CancellationToken)"/>. Derived classes implement the async read.
/// </summary>
internal abstract class ReadOnlyStream : Stream
{
    public sealed override bool CanRead => true;
    public sealed override bool CanSeek => false;
    public sealed override bool CanWrite => false;
    public sealed override long Length => throw new NotSupportedException();
    public sealed override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public sealed override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    public sealed override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public sealed override void SetLength(long value) => throw new NotSupportedException();
    public sealed override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
