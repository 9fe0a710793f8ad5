using LLMKube.Grains.Resources;

namespace LLMKube.Grains.Tests.Resources;

public sealed class ResourceLoaderPathTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "llmkube-loader-" + Guid.NewGuid().ToString("N"));

    public ResourceLoaderPathTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Write(string relativePath, string secretName)
    {
        var path = Path.Combine(_root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, $"apiVersion: v1\nkind: Secret\nmetadata:\n  name: {secretName}\n");
        return path;
    }

    [Fact]
    public void LoadPath_Directory_ReadsYamlYmlJsonRecursively_InOrdinalOrder_SkippingHidden()
    {
        Write("b.yaml", "b");
        Write("A.yml", "upper-a");
        Write("sub/c.YAML", "c");
        Write("sub/deeper/d.json", "d");
        Write("notes.txt", "ignored-extension");
        Write(".hidden.yaml", "ignored-hidden-file");
        Write(".git/e.yaml", "ignored-hidden-dir");
        Write("..data/f.yaml", "ignored-configmap-data");

        var result = ResourceLoader.LoadPath(_root);

        Assert.Empty(result.Problems);
        Assert.Equal(["upper-a", "b", "c", "d"], result.Resources.Secrets.Select(s => s.Metadata.Name));
    }

    [Fact]
    public void LoadPath_Problems_NameTheFile_DuplicatesAcrossFilesPointAtTheFirst()
    {
        var first = Write("a.yaml", "same");
        var second = Write("b.yaml", "same");

        var result = ResourceLoader.LoadPath(_root);

        var problem = Assert.Single(result.Problems);
        Assert.Equal($"{second}:1:1: Secret default/same: duplicate object; first defined at {first}:1:1", problem.ToString());
    }

    [Fact]
    public void LoadPath_SingleFile_IsRead()
    {
        var file = Write("one.yaml", "one");

        var result = ResourceLoader.LoadPath(file);

        Assert.Empty(result.Problems);
        var secret = Assert.Single(result.Resources.Secrets);
        Assert.Equal("default/one", secret.Key.ToString());
        Assert.Equal(file, result.Resources.SourceOf(secret));
    }

    [Fact]
    public void LoadPath_Missing_IsOneProblem()
    {
        var missing = Path.Combine(_root, "nope");

        var result = ResourceLoader.LoadPath(missing);

        Assert.Equal([$"{missing}: no such file or directory"], result.Problems.Select(p => p.ToString()));
        Assert.Empty(result.Resources.Secrets);
    }
}
