using LLMKube.Grains.Models;

namespace LLMKube.Grains.Tests.Models;

public sealed class ModelSourceTests
{
    [Theory]
    [InlineData("https://example.com/models/llama.Q4_K_M.gguf", ModelSourceKind.Http, "https://example.com/models/llama.Q4_K_M.gguf")]
    [InlineData("http://10.0.0.5:8000/m.gguf?download=1", ModelSourceKind.Http, "http://10.0.0.5:8000/m.gguf?download=1")]
    [InlineData("https://huggingface.co/org/repo/resolve/main/m.gguf", ModelSourceKind.Http, "https://huggingface.co/org/repo/resolve/main/m.gguf")]
    [InlineData("hf://Qwen/Qwen2.5-7B-Instruct", ModelSourceKind.HuggingFaceRepo, "Qwen/Qwen2.5-7B-Instruct")]
    [InlineData("hf://Qwen/Qwen2.5-7B-Instruct@v1.0", ModelSourceKind.HuggingFaceRepo, "Qwen/Qwen2.5-7B-Instruct@v1.0")]
    [InlineData("meta-llama/Llama-3.1-8B", ModelSourceKind.HuggingFaceRepo, "meta-llama/Llama-3.1-8B")]
    [InlineData("https://huggingface.co/org/repo", ModelSourceKind.HuggingFaceRepo, "org/repo")]
    [InlineData("https://huggingface.co/org/repo/tree/dev", ModelSourceKind.HuggingFaceRepo, "org/repo@dev")]
    [InlineData("pvc://weights/llama/model.gguf", ModelSourceKind.Pvc, "weights:llama/model.gguf")]
    [InlineData("/models/llama.gguf", ModelSourceKind.HostPath, "/models/llama.gguf")]
    [InlineData("file:///models/my%20model.gguf", ModelSourceKind.HostPath, "/models/my model.gguf")]
    public void SupportedForms_AreParsed(string source, ModelSourceKind kind, string what)
    {
        var parsed = ModelSource.Parse(source);

        Assert.Equal(kind, parsed.Kind);
        Assert.Null(parsed.Error);
        var shown = kind switch
        {
            ModelSourceKind.Http => parsed.Url!.ToString(),
            ModelSourceKind.HuggingFaceRepo => parsed.Repo + (parsed.Revision is { } rev ? "@" + rev : ""),
            ModelSourceKind.Pvc => $"{parsed.Claim}:{parsed.ClaimPath}",
            _ => parsed.HostPath,
        };
        Assert.Equal(what, shown);
    }

    [Theory]
    [InlineData(null, "source is required")]
    [InlineData("  ", "source is required")]
    [InlineData("s3://bucket/model.gguf", "s3:// sources are not supported; supported: http(s)://")]
    [InlineData("ftp://host/m.gguf", "the ftp:// scheme is not supported; supported:")]
    [InlineData("https://user:secret@host/m.gguf", "must not carry credentials")]
    [InlineData("https://host", "must name a file")]
    [InlineData("https://huggingface.co/org/repo/blob/main/m.gguf", "use .../resolve/...")]
    [InlineData("hf://just-a-name", "hf://org/repo or hf://org/repo@revision")]
    [InlineData("llama", "is not a supported source; supported:")]
    [InlineData("a/b/c", "is not a supported source")]
    [InlineData("pvc://Weights/m.gguf", "not a valid PersistentVolumeClaim name")]
    [InlineData("pvc://weights", "pvc://<claim>/<path>")]
    [InlineData("pvc://weights/../etc/passwd", "'..' segments")]
    [InlineData("/models/../etc/shadow", "'..' segments")]
    [InlineData("/models//m.gguf", "empty segments")]
    [InlineData("/models/./m.gguf", "'.' segments")]
    [InlineData("file:///models/%2e%2e/etc", "'..' segments")]
    [InlineData("file://server/share/m.gguf", "must not name a host")]
    [InlineData("/", "names a file")]
    [InlineData("https://host/a b.gguf", "whitespace")]
    public void OtherForms_AreRefused_WithAReason(string? source, string reason)
    {
        var parsed = ModelSource.Parse(source);

        Assert.Equal(ModelSourceKind.Unsupported, parsed.Kind);
        Assert.Contains(reason, parsed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void TheCacheKey_IsTheFirst16HexDigitsOfTheSourcesSha256()
        // echo -n https://example.com/m.gguf | sha256sum
        => Assert.Equal("608d0e1313135e5b", ModelSource.CacheKey("https://example.com/m.gguf"));

    [Theory]
    [InlineData("/models/a.gguf", new[] { "/models" }, true)]
    [InlineData("/models", new[] { "/models/" }, true)]
    [InlineData("/models-evil/a.gguf", new[] { "/models" }, false)]
    [InlineData("/data/a.gguf", new[] { "/models", "/data" }, true)]
    [InlineData("/anything", new[] { "/" }, true)]
    [InlineData("/models/a.gguf", new string[0], false)]
    public void HostPaths_AreAllowed_OnlyUnderARoot(string path, string[] roots, bool allowed)
        => Assert.Equal(allowed, new ModelSourcePolicy(roots, []).AllowsHostPath(path));

    [Theory]
    [InlineData("huggingface.co", new string[0], true)]
    [InlineData("huggingface.co", new[] { "HuggingFace.co" }, true)]
    [InlineData("cdn-lfs.huggingface.co", new[] { "*.huggingface.co" }, true)]
    [InlineData("huggingface.co", new[] { "*.huggingface.co" }, false)]
    [InlineData("evilhuggingface.co", new[] { "*.huggingface.co" }, false)]
    [InlineData("169.254.169.254", new[] { "huggingface.co" }, false)]
    public void RemoteHosts_AreAllowed_WhenListed_OrWhenTheListIsEmpty(string host, string[] hosts, bool allowed)
        => Assert.Equal(allowed, new ModelSourcePolicy([], hosts).AllowsRemoteHost(host));

    [Fact]
    public void ThePolicy_RefusesRootsAndHostsItCouldNotMatch()
    {
        var policy = new ModelSourcePolicy(["/models", "/", "relative", "/a/../b", "file:///x"], ["huggingface.co", "*.hf.co", "https://x.com", "host:80", "10.0.0.1"]);

        Assert.Equal(
            [
                "Silo:Kubernetes:AllowedHostPathRoots: \"relative\" must be an absolute path without '.', '..' or empty segments",
                "Silo:Kubernetes:AllowedHostPathRoots: \"/a/../b\" must be an absolute path without '.', '..' or empty segments",
                "Silo:Kubernetes:AllowedHostPathRoots: \"file:///x\" must be an absolute path without '.', '..' or empty segments",
                "Silo:Kubernetes:AllowedRemoteHosts: \"https://x.com\" must be a host name, an IP address or *.domain (no scheme, port or path)",
                "Silo:Kubernetes:AllowedRemoteHosts: \"host:80\" must be a host name, an IP address or *.domain (no scheme, port or path)",
            ],
            policy.Problems());
    }

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1024, "1.0 KiB")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(4_920_000_000, "4.6 GiB")]
    [InlineData(long.MaxValue, "8.0 EiB")]
    public void Sizes_AreHumanReadable_InTheFormTheMetalAgentParses(long bytes, string shown) => Assert.Equal(shown, ModelSize.Format(bytes));

    [Theory]
    [InlineData("https://example.com/m/Qwen2.5-0.5B.gguf?download=true", "Qwen2.5-0.5B.gguf")]
    [InlineData("http://10.0.0.5/a%20b.gguf", "a_b.gguf")]
    [InlineData("https://huggingface.co/org/repo/resolve/main/sub/q4;rm%20-rf.gguf", "q4_rm_-rf.gguf")]
    [InlineData("https://example.com/dir/..hidden", "hidden")]
    public void ADownload_IsStoredUnderASafeFileName(string source, string file)
    {
        var parsed = ModelSource.Parse(source);
        Assert.True(parsed.IsDownload);
        Assert.Equal(file, parsed.FileName);
    }

    [Theory]
    [InlineData("hf://Qwen/Qwen2.5-0.5B-Instruct")]
    [InlineData("pvc://models/llama/8b.gguf")]
    public void OnlyAnHttpFile_IsADownload(string source) => Assert.False(ModelSource.Parse(source).IsDownload);
}
