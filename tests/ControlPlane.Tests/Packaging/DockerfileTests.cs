using LLMKube.ControlPlane.Tests.Fixtures;

namespace LLMKube.ControlPlane.Tests.Packaging;

/// <summary>
/// The images' Dockerfiles stay true to the tree (no Docker engine runs in CI to build them): every file they copy
/// exists, they start the project's own assembly, and the image runs as a non-root user.
/// </summary>
public sealed class DockerfileTests
{
    [Theory]
    [InlineData("Silo")]
    [InlineData("Gateway")]
    public void TheDockerfile_CopiesWhatExists_StartsTheAssembly_AndRunsAsNonRoot(string project)
    {
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, "src", project, "Dockerfile"));
        var stages = lines.Count(l => l.StartsWith("FROM ", StringComparison.Ordinal));
        Assert.True(stages >= 2, "multi-stage: the SDK builds, the runtime image runs");

        foreach (var copy in lines.Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from", StringComparison.Ordinal)))
        {
            var parts = copy.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            foreach (var source in parts[1..^1])
                Assert.True(File.Exists(Path.Combine(RepoPaths.Root, source)) || Directory.Exists(Path.Combine(RepoPaths.Root, source)), $"{project}/Dockerfile copies {source}, which does not exist");
        }

        var finalStage = lines.SkipWhile(l => l != lines.Last(x => x.StartsWith("FROM ", StringComparison.Ordinal))).ToList();
        var user = finalStage.Single(l => l.StartsWith("USER ", StringComparison.Ordinal))["USER ".Length..].Trim();
        Assert.True(int.TryParse(user, out var uid) && uid > 0, $"the runtime stage runs as a numeric non-root user (got {user})");
        Assert.Contains(finalStage, l => l.StartsWith("ENTRYPOINT", StringComparison.Ordinal) && l.Contains($"LLMKube.{project}.dll", StringComparison.Ordinal));
        Assert.True(File.Exists(Path.Combine(RepoPaths.Root, "src", project, $"LLMKube.{project}.csproj")));
    }
}
