namespace LLMKube.Grains.Resources;

/// <summary>
/// Reads <c>ModelRouter</c>, <c>InferenceService</c> and <c>Secret</c> objects from YAML or JSON
/// files, multi-document and all, exactly as one would <c>kubectl apply</c> them. Never throws for
/// bad input: every problem is reported (<c>file:line:col</c> for YAML errors) and the other documents
/// still load; unknown fields are warnings. Other kinds are ignored.
/// Specs are not validated here: <see cref="Routing.RouterCompiler"/> does that, and
/// <see cref="ResourceSet.SourceOf"/> names the file for its errors.
/// </summary>
public static class ResourceLoader
{
    /// <summary>The largest resource file read, in bytes (characters for <see cref="LoadText"/>); a larger one is a problem.</summary>
    public const int MaxFileBytes = 16 * 1024 * 1024;

    /// <summary>After this many problems in one file the rest of it is not read, so a wrong file does not flood the log.</summary>
    public const int MaxProblemsPerFile = 20;

    /// <summary>The deepest nesting of mappings and sequences read; a deeper document is a problem.</summary>
    public const int MaxNestingDepth = 100;

    private static readonly string[] _extensions = [".yaml", ".yml", ".json"];

    /// <summary>
    /// Loads one file, or every <c>*.yaml</c>, <c>*.yml</c> and <c>*.json</c> file under a directory
    /// (recursively, in ordinal path order, skipping names that start with '.').
    /// </summary>
    public static ResourceLoadResult LoadPath(string fileOrDirectory)
    {
        ArgumentNullException.ThrowIfNull(fileOrDirectory);
        var collector = new ResourceCollector();
        if (File.Exists(fileOrDirectory))
        {
            LoadFile(collector, fileOrDirectory);
        }
        else if (Directory.Exists(fileOrDirectory))
        {
            var files = new List<string>();
            try
            {
                CollectFiles(fileOrDirectory, files);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                collector.AddProblem(new(fileOrDirectory, null, "", $"cannot list directory: {ex.Message}"));
            }

            files.Sort(StringComparer.Ordinal);
            foreach (var file in files)
            {
                LoadFile(collector, file);
            }
        }
        else
        {
            collector.AddProblem(new(fileOrDirectory, null, "", "no such file or directory"));
        }

        return collector.Build();
    }

    /// <summary>Loads the documents of one YAML (or JSON) text; <paramref name="sourceName"/> prefixes problems.</summary>
    public static ResourceLoadResult LoadText(string yaml, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var collector = new ResourceCollector();
        collector.AddText(yaml, sourceName);
        return collector.Build();
    }

    private static void LoadFile(ResourceCollector collector, string path)
    {
        string text;
        try
        {
            if (new FileInfo(path).Length > MaxFileBytes)
            {
                collector.AddProblem(YamlDocumentReader.TooLarge(path));
                return;
            }

            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            collector.AddProblem(new(path, null, "", $"cannot read file: {ex.Message}"));
            return;
        }

        collector.AddText(text, path);
    }

    private static void CollectFiles(string directory, List<string> files)
    {
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            var name = Path.GetFileName(file);
            if (!name.StartsWith('.') && _extensions.Any(ext => name.EndsWith(ext, StringComparison.OrdinalIgnoreCase)))
            {
                files.Add(file);
            }
        }

        foreach (var subdirectory in Directory.EnumerateDirectories(directory))
        {
            // Hidden directories include the "..data" links of a mounted ConfigMap; linked directories could loop.
            var info = new DirectoryInfo(subdirectory);
            if (!info.Name.StartsWith('.') && info.LinkTarget is null)
            {
                CollectFiles(subdirectory, files);
            }
        }
    }
}
