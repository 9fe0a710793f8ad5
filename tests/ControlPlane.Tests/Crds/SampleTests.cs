using LLMKube.ControlPlane.Tests.Fixtures;

namespace LLMKube.ControlPlane.Tests.Crds;

/// <summary>Every sample in samples/kubernetes applies to the real API server with our CRDs.</summary>
[Collection(ApiServerCollection.Name)]
public sealed class SampleTests(ApiServerFixture api)
{
    public static TheoryData<string> Samples => [.. Directory.GetFiles(RepoPaths.Samples, "*.yaml").Select(Path.GetFileName).OfType<string>().Order()];

    [ApiServerTheory]
    [MemberData(nameof(Samples))]
    public async Task TheSample_Applies(string file)
    {
        // The samples name the default namespace; a server-side dry run validates them fully (schema, CEL) and stores nothing.
        var apply = await api.KubectlAsync("apply", "-f", Path.Combine(RepoPaths.Samples, file), "--dry-run=server");
        Assert.True(apply.ExitCode == 0, apply.StdErr);
    }
}
