using LLMKube.Grains.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace LLMKube.Grains.Tests.Models;

/// <summary>The header reader against a real HTTP server on 127.0.0.1.</summary>
public sealed class HttpModelHeaderReaderTests : IAsyncLifetime
{
    private ModelFileServer _server = null!;
    private readonly HttpModelHeaderReader _reader = new(TimeSpan.FromSeconds(5), NullLogger<HttpModelHeaderReader>.Instance);

    public async Task InitializeAsync() => _server = await ModelFileServer.StartAsync();

    public async Task DisposeAsync()
    {
        _reader.Dispose();
        await _server.DisposeAsync();
    }

    private Task<HeaderProbe> ReadAsync(string path, ModelSourcePolicy? policy = null)
        => _reader.ReadAsync(_server.Url(path), policy ?? ModelSourcePolicy.Default, CancellationToken.None);

    [Fact]
    public async Task ASmallHeader_IsReadWithOneRangeRequest_AndTheSizeComesFromContentRange()
    {
        var bytes = GgufBuilder.Llama().Build(tensorBytes: 3 * 1024 * 1024);
        _server.Files["m.gguf"] = bytes;

        var probe = await ReadAsync("/files/m.gguf");

        Assert.Null(probe.Error);
        Assert.Equal(bytes.Length, probe.SizeBytes);
        Assert.Equal(("llama", "Q4_K_M", 8192L), (probe.Gguf!.Architecture, probe.Gguf.Quantization, probe.Gguf.ContextLength));
        Assert.Equal([$"bytes=0-{HttpModelHeaderReader.InitialBytes - 1}"], _server.Ranges);
    }

    [Fact]
    public async Task ALongKeyValueSection_IsReadInGrowingRanges()
    {
        // About 2.5 MiB of vocabulary before general.file_type, as in a quantized file with a large tokenizer.
        var bytes = GgufBuilder.Llama(vocabulary: 120_000).Build();
        _server.Files["big.gguf"] = bytes;

        var probe = await ReadAsync("/files/big.gguf");

        Assert.Null(probe.Error);
        Assert.Equal("Q4_K_M", probe.Gguf!.Quantization);
        Assert.Equal(bytes.Length, probe.SizeBytes);
        Assert.Equal([$"bytes=0-{HttpModelHeaderReader.InitialBytes - 1}", $"bytes={HttpModelHeaderReader.InitialBytes}-{4 * HttpModelHeaderReader.InitialBytes - 1}"], _server.Ranges);
    }

    [Fact]
    public async Task AServerIgnoringRange_IsReadFromItsOneBody_AndSizedByContentLength()
    {
        _server.IgnoreRange = true;
        var bytes = GgufBuilder.Llama(vocabulary: 120_000).Build(tensorBytes: 8 * 1024 * 1024);
        _server.Files["m.gguf"] = bytes;

        var probe = await ReadAsync("/files/m.gguf");

        Assert.Null(probe.Error);
        Assert.Equal(("llama", "Q4_K_M"), (probe.Gguf!.Architecture, probe.Gguf.Quantization));
        Assert.Equal(bytes.Length, probe.SizeBytes);
        Assert.Single(_server.Ranges);
    }

    [Fact]
    public async Task Redirects_AreFollowed()
    {
        _server.Files["m.gguf"] = GgufBuilder.Llama().Build();

        var probe = await ReadAsync("/redirect/m.gguf");

        Assert.Equal("llama", probe.Gguf?.Architecture);
    }

    [Fact]
    public async Task ARedirectToAHostOutsideTheAllowlist_IsNotFollowed()
    {
        _server.Files["m.gguf"] = GgufBuilder.Llama().Build();
        var policy = new ModelSourcePolicy([], ["127.0.0.1"]);
        var target = Uri.EscapeDataString($"http://localhost:{_server.BaseAddress.Port}/files/m.gguf");

        var probe = await ReadAsync($"/redirect-to?url={target}", policy);

        Assert.Null(probe.Gguf);
        Assert.Equal("the host localhost is not in Silo:Kubernetes:AllowedRemoteHosts, so the silo does not fetch from it", probe.Error);
        Assert.Empty(_server.Ranges);
    }

    [Theory]
    [InlineData("/status/404", "the server answered HTTP 404")]
    [InlineData("/status/500", "the server answered HTTP 500")]
    [InlineData("/loop", "more than 5 redirects")]
    [InlineData("/redirect-to?url=ftp%3A%2F%2F127.0.0.1%2Fm.gguf", "a redirect led to the unsupported scheme ftp://")]
    public async Task Failures_AreReported_NotThrown(string path, string error)
    {
        var probe = await ReadAsync(path);

        Assert.Equal(error, probe.Error);
        Assert.Null(probe.Gguf);
    }

    [Fact]
    public async Task AFileThatIsNotGguf_KeepsItsSize_AndSaysWhy()
    {
        _server.Files["m.safetensors"] = [.. "{\"__metadata__\":{}}"u8, .. new byte[5000]];

        var probe = await ReadAsync("/files/m.safetensors");

        Assert.Equal(5019, probe.SizeBytes);
        Assert.StartsWith("no readable GGUF header: not a GGUF file", probe.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFileEndingInsideItsHeader_GivesWhatItHas()
    {
        var bytes = GgufBuilder.Llama().Build(tensorBytes: 0);
        _server.Files["cut.gguf"] = bytes[..(bytes.Length - 10)];

        var probe = await ReadAsync("/files/cut.gguf");

        Assert.Equal("the file ends inside its GGUF header", probe.Error);
        Assert.Equal("llama", probe.Gguf!.Architecture);
        Assert.True(probe.HasMetadata);
    }

    [Fact]
    public async Task AStalledServer_TimesOut()
    {
        using var reader = new HttpModelHeaderReader(TimeSpan.FromMilliseconds(300), NullLogger<HttpModelHeaderReader>.Instance);

        var probe = await reader.ReadAsync(_server.Url("/stall"), ModelSourcePolicy.Default, CancellationToken.None);

        Assert.Equal("timed out after 300 ms", probe.Error);
    }

    [Fact]
    public async Task ARefusedConnection_IsReported()
    {
        var probe = await _reader.ReadAsync(new Uri("http://127.0.0.1:9/m.gguf"), ModelSourcePolicy.Default, CancellationToken.None);

        Assert.Equal("the request failed (ConnectionError)", probe.Error);
    }
}
