using LLMKube.Grains.Resources;
using LLMKube.Grains.Routing;

namespace LLMKube.Grains.Tests.Routing;

/// <summary>Router-wide policy fields the gateway acts on: panic mode, the audit file, declared prices.</summary>
public sealed class PolicyCompileTests
{
    private static RouterConfig Compile(string backendExtra = "", string specExtra = "")
    {
        var loaded = ResourceLoader.LoadText($$"""
            apiVersion: inference.llmkube.dev/v1alpha1
            kind: ModelRouter
            metadata: { name: r, namespace: default }
            spec:
              backends:
              - name: a
                external: { provider: openai, url: "http://10.0.0.1:8080", model: m }
            {{backendExtra}}
              defaultRoute: a
            {{specExtra}}
            """, "router.yaml");
        Assert.Empty(loaded.Problems);
        var result = RouterCompiler.Compile(loaded.Resources.FindRouter("default", "r")!, loaded.Resources);
        Assert.Empty(result.Errors);
        return result.Config!;
    }

    [Fact]
    public void Defaults_PanicModeOn_NoAuditFile_NoPrices()
    {
        var config = Compile();
        Assert.True(config.PanicMode);
        Assert.Null(config.AuditFile);
        Assert.Null(config.Backends[0].Prices);
    }

    [Fact]
    public void PanicModeOff_IsCompiled()
        => Assert.False(Compile(specExtra: "  proxy: { panicMode: false }").PanicMode);

    [Fact]
    public void FileSink_CompilesItsPath_StdoutDoesNot()
    {
        Assert.Equal("/var/log/llmkube/audit.jsonl",
            Compile(specExtra: "  policy: { auditLog: { sink: file, filePath: /var/log/llmkube/audit.jsonl } }").AuditFile);
        Assert.Null(Compile(specExtra: "  policy: { auditLog: { sink: stdout } }").AuditFile);
    }

    [Fact]
    public void CostPerMillionTokens_BecomesPrices_AndACostIsExact()
    {
        var prices = Compile("    costPerMillionTokens: { promptUSD: \"2.5\", completionUSD: \"10\" }").Backends[0].Prices;
        Assert.Equal(new TokenPrices(2.5m, 10m), prices);
        Assert.Equal(0.00325m, prices!.Cost(1000, 75));
        Assert.Equal(new TokenPrices(0m, 1m), Compile("    costPerMillionTokens: { completionUSD: \"1\" }").Backends[0].Prices);
    }
}
