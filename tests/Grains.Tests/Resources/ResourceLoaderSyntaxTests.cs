using System.Diagnostics;
using LLMKube.Grains.Resources;

namespace LLMKube.Grains.Tests.Resources;

/// <summary>Malformed YAML never throws: each parse error is one <c>file:line:col: message</c> problem and nothing else.</summary>
public class ResourceLoaderSyntaxTests
{
    private const string SecretS = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n";
    private const string SecretT = "apiVersion: v1\nkind: Secret\nmetadata: {name: t}\n";

    private static string[] Problems(string yaml, string source = "f.yaml") =>
        [.. ResourceLoader.LoadText(yaml, source).Problems.Select(p => p.ToString())];

    [Fact]
    public void UnclosedFlowMapping_IsOneProblemAtTheBrace_OnEveryLoad()
    {
        var yaml = "apiVersion: v1\nkind: Secret\nmetadata: { name: x\nstringData: {a: b}\n---\n" + SecretT;

        // YamlDotNet throws InvalidOperationException here, not a YamlException; a second load used to fail the same way.
        Assert.Equal(["f.yaml:3:11: flow mapping is not closed: expected ',' or '}'"], Problems(yaml));
        Assert.Equal(["f.yaml:3:11: flow mapping is not closed: expected ',' or '}'"], Problems(yaml));
        Assert.Equal(["t"], ResourceLoader.LoadText(yaml, "f.yaml").Resources.Secrets.Select(s => s.Metadata.Name));
    }

    [Fact]
    public void UnclosedFlowSequenceAtEndOfFile_NamesWhereItWasOpened()
    {
        var yaml = "apiVersion: inference.llmkube.dev/v1alpha1\nkind: ModelRouter\nmetadata: {name: r}\nspec: {backends: [\n";

        Assert.Equal(
            ["r.yaml:5:1: while parsing a node, did not find expected node content; the \"[\" at line 4, column 18 is not closed"],
            Problems(yaml, "r.yaml"));
    }

    [Fact]
    public void TabIndentation_IsReportedAtTheTab_WithoutRereadingEarlierDocuments()
    {
        var yaml = SecretS + "---\n" + SecretT + "---\napiVersion: v1\nkind: Secret\nmetadata:\n\tname: x\n";

        var result = ResourceLoader.LoadText(yaml, "f.yaml");

        // The tab error carries no position of its own; reading again from the file's start reported
        // "duplicate object" for the documents before it.
        Assert.Equal(["f.yaml:12:1: tabs cannot be used for indentation; indent with spaces"], result.Problems.Select(p => p.ToString()));
        Assert.Equal(["s", "t"], result.Resources.Secrets.Select(s => s.Metadata.Name));
    }

    [Fact]
    public void TabAfterIndentation_IsReportedAtTheTab()
    {
        var yaml = SecretS + "stringData:\n  a: b\n \tc: d\n";

        Assert.Equal(["f.yaml:6:2: tabs cannot be used for indentation; indent with spaces"], Problems(yaml));
    }

    [Fact]
    public void Columns_CountATabAsOneCharacter()
    {
        var yaml = SecretS + "stringData:\n  a:\t\t\"unterminated\n";

        Assert.StartsWith("f.yaml:5:7: ", Assert.Single(Problems(yaml)));
    }

    [Fact]
    public void SyntaxErrorInOneDocument_LeavesTheOthers_AndInventsNothing()
    {
        var yaml = SecretS + "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: broken\n stringData: {}\n---\n" + SecretT;

        var result = ResourceLoader.LoadText(yaml, "f.yaml");

        Assert.Equal(["f.yaml:9:2: while parsing a block mapping, did not find expected key"], result.Problems.Select(p => p.ToString()));
        Assert.Equal(["s", "t"], result.Resources.Secrets.Select(s => s.Metadata.Name));
    }

    [Fact]
    public void BinaryGarbage_IsOneProblem()
    {
        var garbage = "\u007fELF\u0002\u0001\u0001\u0000\u0000abc: [\n---\n\u0003\u0004";

        Assert.Equal(["bin.yaml:1:1: invalid character U+007F: a resource file must be YAML or JSON text"], Problems(garbage, "bin.yaml"));
    }

    [Fact]
    public void ControlCharacter_IsReportedWhereItIs()
    {
        Assert.Equal(["f.yaml:4:14: invalid character U+0001: a resource file must be YAML or JSON text"], Problems(SecretS + "type: Opa\tque\u0001\n"));
    }

    [Fact]
    public void ByteOrderMark_IsIgnored()
    {
        var result = ResourceLoader.LoadText("\uFEFF" + SecretS, "bom.yaml");

        Assert.Empty(result.Problems);
        Assert.Single(result.Resources.Secrets);
    }

    [Fact]
    public void DocumentMarkerInsideBlockScalar_IsContent_AtColumnZeroEndsTheDocument()
    {
        var indented = ResourceLoader.LoadText(SecretS + "stringData:\n  k: |\n    ---\n    more\n", "f.yaml");
        Assert.Empty(indented.Problems);
        Assert.True(indented.Resources.FindSecret(null, "s")!.StringData!.TryGetValue("k", out var value));
        Assert.Equal("---\nmore\n", value);

        var quoted = Problems(SecretS + "stringData:\n  k: \"a\n---\n" + SecretT);
        Assert.StartsWith("f.yaml:5:6: ", Assert.Single(quoted));
    }

    [Fact]
    public void UnknownAlias_SaysSo()
    {
        Assert.Equal(
            ["f.yaml:3:11: Secret: metadata: alias *nope refers to no anchor defined before it in this object"],
            Problems("apiVersion: v1\nkind: Secret\nmetadata: *nope\n"));
    }

    [Fact]
    public void AliasesAndAnchorsWithinAnObject_Load()
    {
        var result = ResourceLoader.LoadText(SecretS + "stringData: &d {k: v}\ndata: *d\n", "f.yaml");

        Assert.Empty(result.Problems);
        Assert.Single(result.Resources.Secrets);
    }

    [Fact]
    public void ExponentialAliases_DoNotExpand()
    {
        var yaml = "apiVersion: inference.llmkube.dev/v1alpha1\nkind: ModelRouter\nmetadata: {name: r}\nspec:\n"
            + "  a: &a [x, x, x, x, x, x, x, x, x, x]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            + "  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
            + "  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n  f: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n";

        var result = ResourceLoader.LoadText(yaml, "f.yaml");

        Assert.Empty(result.Problems);
        Assert.Equal(6, result.Warnings.Count);
    }

    [Fact]
    public void DeepNesting_IsOneProblem_Quickly()
    {
        var deepSequence = new string('[', 200_000) + new string(']', 200_000);
        var deepMapping = SecretS + "type: " + string.Concat(Enumerable.Repeat("{a: ", 100_000)) + "1" + new string('}', 100_000) + "\n";
        var deepUnknown = "apiVersion: inference.llmkube.dev/v1alpha1\nkind: ModelRouter\nmetadata: {name: r}\nspec: {x: "
            + new string('[', 100_000) + new string(']', 100_000) + "}\n";
        var clock = Stopwatch.StartNew();

        // The parser's cost per token grows with the depth: 200,000 levels took minutes before the limit.
        Assert.Equal(["f.yaml:1:101: nested deeper than 100 levels"], Problems(deepSequence));
        Assert.Equal(["f.yaml:4:403: nested deeper than 100 levels"], Problems(deepMapping));
        Assert.Equal(["f.yaml:4:109: nested deeper than 100 levels"], Problems(deepUnknown));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public void NestingAtTheLimit_IsRead()
    {
        var yaml = SecretS + "stringData: {k: v}\nx: " + new string('[', ResourceLoader.MaxNestingDepth - 1) + new string(']', ResourceLoader.MaxNestingDepth - 1) + "\n";

        var result = ResourceLoader.LoadText(yaml, "f.yaml");

        Assert.Empty(result.Problems);
        Assert.Single(result.Resources.Secrets);
    }

    [Fact]
    public void HugeText_IsOneProblem()
    {
        var huge = SecretS + "stringData: {k: \"" + new string('x', ResourceLoader.MaxFileBytes) + "\"}\n";

        Assert.Equal([$"big.yaml: too large: a resource file may hold at most {ResourceLoader.MaxFileBytes / (1024 * 1024)} MiB"], Problems(huge, "big.yaml"));
    }

    [Fact]
    public void ManyBrokenDocuments_AreCutShort()
    {
        var yaml = string.Concat(Enumerable.Repeat("a: [\n---\n", 1000));

        var problems = Problems(yaml);

        Assert.Equal(ResourceLoader.MaxProblemsPerFile + 1, problems.Length);
        Assert.Equal($"f.yaml: stopped after {ResourceLoader.MaxProblemsPerFile} problems; the rest of the file was not read", problems[^1]);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("[")]
    [InlineData("a: b: c")]
    [InlineData("key: value\n  - item")]
    [InlineData("? [a]\n: b")]
    [InlineData("%YAML 1.1\n%YAML 1.1\n---\na: b")]
    [InlineData("a: b\n... junk")]
    [InlineData("&a [*a]")]
    [InlineData("a: !<tag:yaml.org,2002:map> [x]")]
    [InlineData("a: {b\nc: d}")]
    [InlineData("a: [b\nc: d]")]
    [InlineData("\"\\x\"")]
    [InlineData("'")]
    [InlineData(": :")]
    [InlineData("- - - - [{: }]")]
    public void MalformedInput_NeverThrows_AndEveryProblemHasAPosition(string yaml)
    {
        var result = ResourceLoader.LoadText(yaml, "f.yaml");

        Assert.All(result.Problems, p => Assert.Matches(@"^f\.yaml:\d+:\d+$", p.Source));
    }

    [Fact]
    public void DirectiveBeforeALaterDocument_BelongsToIt()
    {
        var result = ResourceLoader.LoadText(SecretS + "...\n%YAML 1.1\n---\n" + SecretT, "f.yaml");

        Assert.Empty(result.Problems);
        Assert.Equal(["s", "t"], result.Resources.Secrets.Select(s => s.Metadata.Name));
    }

    [Fact]
    public void ListItemsThatAreNotObjects_AreProblems()
    {
        var yaml = "apiVersion: v1\nkind: List\nitems:\n  - 1\n  - apiVersion: v1\n    kind: Secret\n    metadata: {name: s}\n";

        var result = ResourceLoader.LoadText(yaml, "l.yaml");

        Assert.Equal(["l.yaml:4:5: items[0]: item is not a mapping (a Kubernetes object)"], result.Problems.Select(p => p.ToString()));
        Assert.Single(result.Resources.Secrets);
    }

    [Fact]
    public void WrongShape_SaysWhatWasExpected_WithoutEchoingSecretValues()
    {
        var yaml = "apiVersion: v1\nkind: Secret\nmetadata: [a]\n---\n" + SecretS + "stringData: {k: [sk-secret]}\n";

        Assert.Equal(
            [
                "f.yaml:3:11: Secret: metadata: expected a mapping, got a sequence",
                "f.yaml:8:17: Secret default/s: stringData.k: expected a scalar, got a sequence",
            ],
            Problems(yaml));
    }
}
