using LLMKube.Grains.Kubernetes.InferenceServices;

namespace LLMKube.Grains.Tests.Kubernetes.InferenceServices;

public sealed class ModelSourceTests
{
    [Theory]
    [InlineData("https://example.com/m/Qwen2.5-0.5B.gguf?download=true", "Http", "https://example.com/m/Qwen2.5-0.5B.gguf?download=true", "Qwen2.5-0.5B.gguf", null, null)]
    [InlineData("http://10.0.0.5/a%20b.gguf", "Http", "http://10.0.0.5/a%20b.gguf", "a_b.gguf", null, null)]
    [InlineData("hf://Qwen/Qwen2.5-0.5B-Instruct", "HuggingFace", null, null, "Qwen/Qwen2.5-0.5B-Instruct", null)]
    [InlineData("Qwen/Qwen2.5-0.5B-Instruct@v2", "HuggingFace", null, null, "Qwen/Qwen2.5-0.5B-Instruct", "v2")]
    [InlineData("hf://bartowski/Qwen-GGUF@abc/sub/q4.gguf", "HuggingFace", "https://huggingface.co/bartowski/Qwen-GGUF/resolve/abc/sub/q4.gguf", "q4.gguf", "bartowski/Qwen-GGUF", "abc")]
    [InlineData("hf://bartowski/Qwen-GGUF/q4.gguf", "HuggingFace", "https://huggingface.co/bartowski/Qwen-GGUF/resolve/main/q4.gguf", "q4.gguf", "bartowski/Qwen-GGUF", null)]
    public void Parse_TakesTheSourceApart(string source, string kind, string? url, string? file, string? repo, string? revision)
    {
        var parsed = ModelSource.Parse(source)!;

        Assert.Equal(Enum.Parse<ModelSourceKind>(kind), parsed.Kind);
        Assert.Equal(url, parsed.DownloadUrl);
        Assert.Equal(file, parsed.FileName);
        Assert.Equal(repo, parsed.Repo);
        Assert.Equal(revision, parsed.Revision);
    }

    [Theory]
    [InlineData("pvc://models/llama/8b.gguf", "models", "llama/8b.gguf")]
    [InlineData("pvc://models", "models", "")]
    public void Parse_APvcSource_NamesClaimAndPath(string source, string claim, string path)
    {
        var parsed = ModelSource.Parse(source)!;

        Assert.Equal(ModelSourceKind.Pvc, parsed.Kind);
        Assert.Equal((claim, path), (parsed.Claim, parsed.ClaimPath));
        Assert.False(parsed.IsDownload);
    }

    [Theory]
    [InlineData("/Users/me/models/a.gguf")]
    [InlineData("file:///Users/me/models/a.gguf")]
    public void Parse_ALocalPath_IsLocal(string source) => Assert.Equal(ModelSourceKind.Local, ModelSource.Parse(source)!.Kind);

    [Theory]
    [InlineData("")]
    [InlineData("pvc:///x")]
    [InlineData("justaword")]
    [InlineData("hf://org/@rev")]
    public void Parse_NothingUsable_IsNull(string source) => Assert.Null(ModelSource.Parse(source));

    [Fact]
    public void CacheKey_IsTheFirst16HexOfTheSha256OfTheSource()
        => Assert.Equal("9f86d081884c7d65", ModelSource.CacheKeyOf("test"));
}
