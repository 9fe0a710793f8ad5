using LLMKube.Gateway.Routing;
using LLMKube.Grains.Routing;
using Microsoft.Extensions.Primitives;
using static LLMKube.Gateway.Tests.Routing.Plans;

namespace LLMKube.Gateway.Tests.Routing;

/// <summary>
/// The compiled matcher must decide exactly as the linear scan: first matching rule in
/// declaration order, then BackendNameMatch, then defaultRoute.
/// </summary>
public class CompiledMatcherTests
{
    private static readonly BackendConfig[] ThreeBackends =
    [
        Backend("b0", "m0", "vision"),
        Backend("b1", "gpt-4o", "tools"),
        Backend("b2", "a/b", "vision", "tools"),
    ];

    [Fact]
    public void First_rule_in_declaration_order_wins_across_indexes()
    {
        var plan = Build(ThreeBackends,
        [
            Rule("by-header", ["b0"], headers: [("x-tenant", "acme")]),
            Rule("by-exact", ["b1"], models: ["gpt-4o"]),
            Rule("by-prefix", ["b2"], models: ["gpt-*"]),
            Rule("catch-all", ["b2"]),
        ]);
        AssertRule(plan, Request("gpt-4o", headers: ("X-Tenant", "acme")), "by-header");
        AssertRule(plan, Request("gpt-4o", headers: ("x-tenant", "other")), "by-exact");
        AssertRule(plan, Request("gpt-4"), "by-prefix");
        AssertRule(plan, Request("claude"), "catch-all");
    }

    [Fact]
    public void Later_candidate_loses_to_earlier_one_from_another_list()
    {
        var plan = Build(ThreeBackends,
        [
            Rule("suffix", ["b0"], models: ["*-mini"], complexity: "simple"),
            Rule("class", ["b1"], classification: ["pii"]),
            Rule("prefix", ["b2"], models: ["gpt-*"]),
        ]);
        AssertRule(plan, Request("gpt-4o-mini", "pii", "simple"), "suffix");
        AssertRule(plan, Request("gpt-4o-mini", "pii", "complex"), "class");
        AssertRule(plan, Request("gpt-4o-mini", "public", "complex"), "prefix");
        AssertRule(plan, Request("gpt/4o-mini", "public", "simple"), null); // '*' and '-*' never cross '/'
    }

    [Fact]
    public void Empty_model_matches_only_a_literal_star()
    {
        var plan = Build(ThreeBackends,
        [
            Rule("glob", ["b0"], models: ["?*"]),
            Rule("star", ["b1"], models: ["x", "*"]),
        ], defaultRoute: "b2");
        AssertRule(plan, Request(""), "star");
        AssertRule(plan, Request("y"), "glob");
        AssertRule(plan, Request("a/b"), null);
    }

    [Fact]
    public void Rule_whose_capabilities_no_backend_has_never_matches()
    {
        var plan = Build(ThreeBackends,
        [
            Rule("needs-both-on-one", ["b0", "b1"], capabilities: ["vision", "tools"]),
            Rule("has-both", ["b2"], capabilities: ["vision", "tools"]),
        ]);
        AssertRule(plan, Request("m"), "has-both");
    }

    [Fact]
    public void Header_match_uses_the_first_value_exactly()
    {
        var plan = Build(ThreeBackends,
        [
            Rule("empty-value", ["b0"], headers: [("x-a", "")]),
            Rule("one", ["b1"], headers: [("x-a", "1")]),
        ]);
        AssertRule(plan, Request("m", headers: ("x-a", new StringValues(["", "1"]))), "empty-value");
        AssertRule(plan, Request("m", headers: ("x-a", new StringValues(["1", ""]))), "one");
        AssertRule(plan, Request("m", headers: ("x-a", "")), null); // a single empty value reads as absent
        AssertRule(plan, Request("m", headers: ("x-a", "ONE")), null);
    }

    [Fact]
    public void Matching_allocates_nothing()
    {
        var rules = Enumerable.Range(0, 200).Select(i => (i % 4) switch
        {
            0 => Rule($"exact-{i}", ["b0"], models: [$"model-{i}"]),
            1 => Rule($"prefix-{i}", ["b1"], models: [$"vendor-{i}/*"]),
            2 => Rule($"suffix-{i}", ["b2"], models: [$"*-v{i}"], classification: ["pii"]),
            _ => Rule($"header-{i}", ["b0"], headers: [("x-tenant", $"t{i}")]),
        }).ToArray();
        var plan = Build(ThreeBackends, rules, defaultRoute: "b0", backendNameMatch: true);
        RequestFeatures[] requests =
        [
            Request("model-196"),
            Request("vendor-197/llama"),
            Request("x-v198", "pii"),
            Request("nothing", headers: ("x-tenant", "t199")),
            Request("nothing", headers: ("x-tenant", "t-none")),
            Request("gpt-4o"),
        ];
        for (var warm = 0; warm < 200; warm++)
        {
            foreach (var request in requests) RuleMatcher.Match(plan, request);
        }
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var n = 0; n < 1000; n++)
        {
            foreach (var request in requests) RuleMatcher.Match(plan, request);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal("exact-196", RuleMatcher.Match(plan, requests[0]).Rule?.Config.Name);
        Assert.Equal("prefix-197", RuleMatcher.Match(plan, requests[1]).Rule?.Config.Name);
        Assert.Equal("suffix-198", RuleMatcher.Match(plan, requests[2]).Rule?.Config.Name);
        Assert.Equal("header-199", RuleMatcher.Match(plan, requests[3]).Rule?.Config.Name);
        Assert.Equal(["b0"], RuleMatcher.Match(plan, requests[4]).Candidates.Select(c => c.Config.Name));
        Assert.Equal(["b1"], RuleMatcher.Match(plan, requests[5]).Candidates.Select(c => c.Config.Name));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Compiled_matcher_agrees_with_the_linear_scan_on_random_configs(int seed)
    {
        var random = new Random(seed * 7919);
        var compared = 0;
        var matched = 0;
        var later = 0;
        for (var config = 0; config < 1500; config++)
        {
            var generator = new Generator(random);
            var plan = generator.Plan();
            for (var r = 0; r < 40; r++)
            {
                var request = generator.Request();
                var expected = RuleMatcher.MatchLinear(plan, request);
                var actual = RuleMatcher.Match(plan, request);
                if (!Same(expected, actual))
                {
                    Assert.Fail($"seed {seed}, config {config}: model \"{request.Model}\", class \"{request.Classification}\", " +
                        $"complexity \"{request.TaskComplexity}\", headers [{string.Join(", ", request.Headers.Select(h => $"{h.Key}={h.Value}"))}]: " +
                        $"linear chose {expected.Rule?.Config.Name ?? "-"}, compiled chose {actual.Rule?.Config.Name ?? "-"}\n" +
                        string.Join("\n", plan.Rules.Select(Describe)));
                }
                compared++;
                if (expected.Rule is not null) matched++;
                if (expected.Rule is { } rule && Array.IndexOf(plan.Rules, rule) > 0) later++;
            }
        }
        Assert.Equal(60_000, compared);
        // The generator must exercise both outcomes substantially for the comparison to mean anything.
        Assert.InRange(matched, compared / 5, compared * 4 / 5);
        Assert.True(later > compared / 10, $"only {later} decisions came from a rule other than the first");
    }

    private static void AssertRule(RoutePlan plan, RequestFeatures request, string? expected)
    {
        var linear = RuleMatcher.MatchLinear(plan, request);
        var compiled = RuleMatcher.Match(plan, request);
        Assert.Equal(expected, linear.Rule?.Config.Name);
        Assert.True(Same(linear, compiled), $"linear {linear.Rule?.Config.Name}, compiled {compiled.Rule?.Config.Name}");
    }

    private static bool Same(RouteDecision a, RouteDecision b)
        => ReferenceEquals(a.Rule, b.Rule)
            && a.Candidates.SequenceEqual(b.Candidates)
            && a.Strategy == b.Strategy
            && a.FailClosed == b.FailClosed;

    private static string Describe(CompiledRule rule)
    {
        var c = rule.Config;
        return $"  {c.Name}: models [{string.Join(" ", c.Models.Select(m => $"\"{m}\""))}] class [{string.Join(" ", c.DataClassification)}] " +
            $"complexity \"{c.TaskComplexity}\" headers [{string.Join(" ", c.Headers.Select(h => $"{h.Name}={h.Value}"))}] " +
            $"caps [{string.Join(" ", c.RequiredCapabilities)}] satisfied {rule.CapabilitiesSatisfied}";
    }

    /// <summary>
    /// Random configs over a small vocabulary, so rules collide: shared prefixes and suffixes, globs with
    /// <c>*</c>, <c>?</c>, classes, escapes, slashes and malformed patterns; and requests drawn partly
    /// from the configured patterns so that many of them match something.
    /// </summary>
    private sealed class Generator(Random random)
    {
        private static readonly string[] Literals = ["a", "b", "ab", "gpt", "-", "4", "o", "/", "mini", "é", "😀", "]", "^"];
        private static readonly string[] ModelChars = ["a", "b", "c", "-", "/", "4", "o", "*", "?", "[", "]", "\\", "😀", "gpt", "mini"];
        private static readonly string[] HeaderNames = ["x-a", "x-b", "X-A", "x-c"];
        private static readonly string[] HeaderValues = ["1", "2", "", "v"];
        private static readonly string[] Classes = ["pii", "public", "", "PII", "internal"];
        private static readonly string?[] Complexities = [null, "", "simple", "complex", "moderate"];
        private static readonly string[] Capabilities = ["vision", "tools", "audio"];

        private readonly List<List<Token>> _patterns = [];
        private readonly List<string> _published = [];

        public RoutePlan Plan()
        {
            var backends = Enumerable.Range(0, 3).Select(i =>
            {
                var published = random.Next(3) == 0 ? RandomModel() : $"pub-{i}";
                _published.Add(published);
                return Backend($"b{i}", published, [.. Capabilities.Where(_ => random.Next(2) == 0)]);
            }).ToArray();
            var rules = Enumerable.Range(0, random.Next(0, 25)).Select(RandomRule).ToArray();
            return Build(backends, rules, defaultRoute: Chance(0.5) ? "b0" : null, backendNameMatch: Chance(0.5));
        }

        private RuleConfig RandomRule(int i)
        {
            while (true)
            {
                var rule = Rule(
                    $"r{i}",
                    [.. Enumerable.Range(0, random.Next(1, 3)).Select(_ => $"b{random.Next(3)}")],
                    models: Chance(0.6) ? [.. Enumerable.Range(0, random.Next(1, 4)).Select(_ => Pattern())] : null,
                    classification: Chance(0.25) ? [.. Enumerable.Range(0, random.Next(1, 3)).Select(_ => Pick(Classes))] : null,
                    complexity: Chance(0.25) ? Pick(Complexities) : null,
                    headers: Chance(0.3) ? [.. Enumerable.Range(0, random.Next(1, 3)).Select(_ => (Pick(HeaderNames), Pick(HeaderValues)))] : null,
                    capabilities: Chance(0.1) ? [.. Capabilities.Where(_ => random.Next(2) == 0)] : null,
                    strategy: (RouteStrategy)random.Next(3),
                    failClosed: Chance(0.5));
                // A rule without conditions ends every scan: keep a few, not one in every config.
                var unconditional = rule.Models.Length == 0 && rule.DataClassification.Length == 0
                    && string.IsNullOrEmpty(rule.TaskComplexity) && rule.Headers.Length == 0;
                if (!unconditional || Chance(0.15)) return rule;
            }
        }

        public RequestFeatures Request()
        {
            string model;
            var roll = random.Next(10);
            if (roll < 5 && _patterns.Count > 0) model = string.Concat(Pick(_patterns).Select(t => t.Sample(random)));
            else if (roll < 6 && _published.Count > 0) model = Pick(_published);
            else if (roll < 7) model = "";
            else model = RandomModel();
            var headers = new List<(string, StringValues)>();
            foreach (var name in new[] { "x-a", "x-b", "x-c" })
            {
                switch (random.Next(5))
                {
                    case 0: break;
                    case 1: headers.Add((name, new StringValues(["", Pick(HeaderValues)]))); break;
                    case 2: headers.Add((name, new StringValues([Pick(HeaderValues), Pick(HeaderValues)]))); break;
                    default: headers.Add((Chance(0.5) ? name.ToUpperInvariant() : name, Pick(HeaderValues))); break;
                }
            }
            return Plans.Request(model, Pick(Classes), Pick(Complexities) ?? "", [.. headers]);
        }

        private string RandomModel() => string.Concat(Enumerable.Range(0, random.Next(0, 6)).Select(_ => Pick(ModelChars)));

        private string Pattern()
        {
            switch (random.Next(12))
            {
                case 0: return "*";
                case 1: return "";
                case 2: return RandomModel(); // raw characters: often meta chars, sometimes malformed
            }
            var tokens = Enumerable.Range(0, random.Next(1, 5)).Select(_ => NextToken()).ToList();
            _patterns.Add(tokens);
            return string.Concat(tokens.Select(t => t.Pattern));
        }

        private Token NextToken()
        {
            static string Chars(Random r, int max, bool slash)
            {
                var alphabet = slash ? "ab-/" : "ab-4o";
                return string.Concat(Enumerable.Range(0, r.Next(0, max + 1)).Select(_ => alphabet[r.Next(alphabet.Length)]));
            }
            return random.Next(16) switch
            {
                0 or 1 => new Token("*", r => Chars(r, 3, r.Next(8) == 0)),
                2 => new Token("?", r => r.Next(8) == 0 ? "/" : "ab-4o"[r.Next(5)].ToString()),
                3 => new Token("[a-c]", r => "abcd"[r.Next(4)].ToString()),
                4 => new Token("[^a]", r => "ab/"[r.Next(3)].ToString()),
                5 => new Token("\\*", r => r.Next(4) == 0 ? "x" : "*"),
                6 => new Token("\\a", _ => "a"),
                7 => new Token(random.Next(2) == 0 ? "[" : "\\", _ => "["),
                8 => new Token("[\\]a]", r => "]ab"[r.Next(3)].ToString()),
                9 => new Token("?", _ => "😀"),
                _ => Literal(),
            };
        }

        private Token Literal()
        {
            var literal = Pick(Literals);
            return new Token(literal, r => r.Next(6) == 0 ? "a" : literal);
        }

        private bool Chance(double p) => random.NextDouble() < p;

        private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];
    }

    private sealed record Token(string Pattern, Func<Random, string> Sample);
}
