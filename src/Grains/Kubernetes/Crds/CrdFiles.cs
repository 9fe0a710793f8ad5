using System.Text.Encodings.Web;
using System.Text.Json;

namespace LLMKube.Grains.Kubernetes.Crds;

/// <summary>
/// The committed CRD files. The body is indented JSON, which is YAML (a flow mapping), so <c>kubectl apply -f</c>
/// and Helm read it as written, with no scalar that a YAML 1.1 parser could re-type (<c>True</c>, <c>1e3</c>).
/// </summary>
public static class CrdFiles
{
    public const string RegenerateCommand = "dotnet run --project src/Silo -c Release -- crds --out helm/llmkube-orleans/crds";

    /// <summary>The command that regenerates the CRDs and docs/crd-reference.md together.</summary>
    public const string RegenerateAllCommand = RegenerateCommand + " --reference docs/crd-reference.md";

    private static readonly JsonSerializerOptions _write = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The text of <paramref name="kind"/>'s file.</summary>
    public static string Render(CrdKind kind)
        => $"# Generated from the C# API types by `{RegenerateCommand}`; do not edit.\n"
           + CrdGenerator.Build(kind).ToJsonString(_write).ReplaceLineEndings("\n") + "\n";

    /// <summary>Writes every kind's file into <paramref name="directory"/>; returns the paths written.</summary>
    public static IReadOnlyList<string> WriteAll(string directory)
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        foreach (var kind in CrdGenerator.Kinds)
        {
            var path = Path.Combine(directory, kind.FileName);
            File.WriteAllText(path, Render(kind));
            written.Add(path);
        }
        return written;
    }
}
