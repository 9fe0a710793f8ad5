using System.Buffers;

namespace LLMKube.Gateway.Accounting;

/// <summary>
/// A growable byte buffer on <see cref="ArrayPool{T}"/>: what a relayed stream holds back between reads
/// (the bytes the client is owed) without an allocation per stream. Emptied, it gives its array back, so a
/// stream that waits for its upstream holds no buffer.
/// </summary>
internal sealed class PooledBuffer : IBufferWriter<byte>, IDisposable
{
    private readonly int _initialSize;
    private byte[] _array = [];
    private int _length;

    public PooledBuffer(int initialSize = 1024) => _initialSize = initialSize;

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _array.AsSpan(0, _length);

    public void Clear()
    {
        _length = 0;
        Release();
    }

    public void Advance(int count) => _length += count;

    public Memory<byte> GetMemory(int sizeHint = 0) => _array.AsMemory(Reserve(sizeHint));

    public Span<byte> GetSpan(int sizeHint = 0) => _array.AsSpan(Reserve(sizeHint));

    public void Dispose()
    {
        _length = 0;
        Release();
    }

    private void Release()
    {
        var array = _array;
        _array = [];
        if (array.Length > 0) ArrayPool<byte>.Shared.Return(array);
    }

    private int Reserve(int sizeHint)
    {
        var needed = _length + Math.Max(sizeHint, 1);
        if (needed > _array.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(_initialSize, _array.Length * 2)));
            _array.AsSpan(0, _length).CopyTo(bigger);
            if (_array.Length > 0) ArrayPool<byte>.Shared.Return(_array);
            _array = bigger;
        }
        return _length;
    }
}
