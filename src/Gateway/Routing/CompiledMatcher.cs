using System.Collections.Frozen;
using LLMKube.Gateway.Health;
using LLMKube.Grains.Routing;

namespace LLMKube.Gateway.Routing;

/// <summary>
/// The rules of one <see cref="RoutePlan"/> indexed for matching, built once per plan; immutable, so
/// reads need no lock. Each rule that can match at all is filed under ONE condition it cannot match
/// without (its "key"):
/// <list type="bullet">
/// <item>models, when every pattern is a literal (exact index), has a literal prefix before its first
/// meta char (prefix index), or — well-formed only — a literal suffix after its last one (suffix index);</item>
/// <item>else one header condition (index by exact value, per header name);</item>
/// <item>else the classifications, else the task complexity;</item>
/// <item>else models with a pattern that pins nothing (e.g. <c>*</c>, <c>?-x*</c>): candidates for any
/// non-empty model, and those with a literal <c>*</c> for the empty model;</item>
/// <item>else no condition that indexes (only requiredCapabilities, already folded in): always a candidate.</item>
/// </list>
/// A request looks up the candidate lists its values select; each list is sorted by declaration order
/// and is scanned only up to the best (lowest) matching rule index found so far, each candidate fully
/// checked. So the first matching rule in declaration order wins, exactly as the linear scan
/// (<see cref="RuleMatcher.MatchLinear"/>). Rules whose requiredCapabilities no backend satisfies are dropped.
/// The BackendNameMatch and defaultRoute candidate arrays are built once too, so no decision allocates
/// (the dispatcher never writes into a candidate array; rules' arrays are shared the same way).
/// </summary>
internal sealed class CompiledMatcher
{
    private readonly RuleCheck[] _checks;
    private readonly int[] _always;
    private readonly FrozenDictionary<string, int[]> _exactModel;
    private readonly int _exactMin;
    private readonly FrozenDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _prefix;
    private readonly int[] _prefixLengths;
    private readonly int _prefixMin;
    private readonly FrozenDictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _suffix;
    private readonly int[] _suffixLengths;
    private readonly int _suffixMin;
    private readonly int[] _anyModel;
    private readonly int[] _emptyModel;
    private readonly string[] _headerNames;
    private readonly FrozenDictionary<string, int[]>[] _headerValues;
    private readonly int[] _headerMins;
    private readonly FrozenDictionary<string, int[]> _classification;
    private readonly int _classificationMin;
    private readonly FrozenDictionary<string, int[]> _complexity;
    private readonly int _complexityMin;
    private readonly FrozenDictionary<string, BackendRuntime[]> _byPublishedId;
    private readonly BackendRuntime[] _defaultRoute;

    public CompiledMatcher(CompiledRule[] rules, bool backendNameMatch,
        IReadOnlyDictionary<string, BackendRuntime> byPublishedId, BackendRuntime? defaultRoute)
    {
        _byPublishedId = backendNameMatch
            ? byPublishedId.ToFrozenDictionary(p => p.Key, p => new[] { p.Value }, StringComparer.Ordinal)
            : FrozenDictionary<string, BackendRuntime[]>.Empty;
        _defaultRoute = defaultRoute is null ? [] : [defaultRoute];

        _checks = new RuleCheck[rules.Length];
        var always = new List<int>();
        var anyModel = new List<int>();
        var emptyModel = new List<int>();
        var exact = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var prefix = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var suffix = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var classification = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var complexity = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var headers = new Dictionary<string, Dictionary<string, List<int>>>(StringComparer.Ordinal);

        // Prefer header names many rules use: fewer distinct names means fewer lookups per request.
        var headerUse = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            foreach (var header in rule.Config.Headers)
                headerUse[header.Name] = headerUse.GetValueOrDefault(header.Name) + 1;
        }

        for (var i = 0; i < rules.Length; i++)
        {
            var rule = rules[i];
            var check = _checks[i] = new RuleCheck(rule.Config, rule.ModelsHasStar);
            if (!rule.CapabilitiesSatisfied) continue; // can never match
            var config = rule.Config;

            if (config.Models.Length > 0 && TryModelKeys(config.Models, out var keys))
            {
                foreach (var (kind, key) in keys)
                    Add(kind switch { KeyKind.Exact => exact, KeyKind.Prefix => prefix, _ => suffix }, key, i);
            }
            else if (config.Headers.Length > 0)
            {
                var chosen = config.Headers[0];
                foreach (var header in config.Headers)
                {
                    if (headerUse[header.Name] > headerUse[chosen.Name]) chosen = header;
                }
                if (!headers.TryGetValue(chosen.Name, out var byValue))
                    headers[chosen.Name] = byValue = new Dictionary<string, List<int>>(StringComparer.Ordinal);
                Add(byValue, chosen.Value, i);
            }
            else if (config.DataClassification.Length > 0)
            {
                foreach (var value in config.DataClassification) Add(classification, value, i);
            }
            else if (config.TaskComplexity is { Length: > 0 } level)
            {
                Add(complexity, level, i);
            }
            else if (config.Models.Length > 0)
            {
                anyModel.Add(i);
                if (check.HasStar) emptyModel.Add(i);
            }
            else
            {
                always.Add(i);
            }
        }

        _always = [.. always];
        _anyModel = [.. anyModel];
        _emptyModel = [.. emptyModel];
        (_exactModel, _exactMin) = Freeze(exact);
        (var prefixes, _prefixMin) = Freeze(prefix);
        _prefix = prefixes.GetAlternateLookup<ReadOnlySpan<char>>();
        _prefixLengths = Lengths(prefixes);
        (var suffixes, _suffixMin) = Freeze(suffix);
        _suffix = suffixes.GetAlternateLookup<ReadOnlySpan<char>>();
        _suffixLengths = Lengths(suffixes);
        (_classification, _classificationMin) = Freeze(classification);
        (_complexity, _complexityMin) = Freeze(complexity);
        _headerNames = new string[headers.Count];
        _headerValues = new FrozenDictionary<string, int[]>[headers.Count];
        _headerMins = new int[headers.Count];
        var h = 0;
        foreach (var (name, byValue) in headers)
        {
            _headerNames[h] = name;
            (_headerValues[h], _headerMins[h]) = Freeze(byValue);
            h++;
        }
    }

    /// <summary>Index of the first rule (declaration order) the request matches, or -1.</summary>
    public int Find(in RequestFeatures request)
    {
        var best = int.MaxValue;
        var model = request.Model;
        int[]? list;
        if (model.Length == 0)
        {
            Scan(_emptyModel, request, ref best);
        }
        else
        {
            if (_exactMin < best && _exactModel.TryGetValue(model, out list)) Scan(list, request, ref best);
            if (_prefixMin < best)
            {
                foreach (var length in _prefixLengths)
                {
                    if (length > model.Length) break;
                    if (_prefix.TryGetValue(model.AsSpan(0, length), out list)) Scan(list, request, ref best);
                }
            }
            if (_suffixMin < best)
            {
                foreach (var length in _suffixLengths)
                {
                    if (length > model.Length) break;
                    if (_suffix.TryGetValue(model.AsSpan(model.Length - length), out list)) Scan(list, request, ref best);
                }
            }
            Scan(_anyModel, request, ref best);
        }
        for (var h = 0; h < _headerNames.Length; h++)
        {
            if (_headerMins[h] >= best) continue;
            if (request.Header(_headerNames[h]) is { } value && _headerValues[h].TryGetValue(value, out list))
                Scan(list, request, ref best);
        }
        if (_classificationMin < best && request.Classification is { } classification
            && _classification.TryGetValue(classification, out list))
            Scan(list, request, ref best);
        if (_complexityMin < best && request.TaskComplexity is { } complexity
            && _complexity.TryGetValue(complexity, out list))
            Scan(list, request, ref best);
        Scan(_always, request, ref best);
        return best == int.MaxValue ? -1 : best;
    }

    /// <summary>Candidates when no rule matched: the backend published as the model (BackendNameMatch), else defaultRoute, else none.</summary>
    public BackendRuntime[] Unmatched(string model)
        => model.Length > 0 && _byPublishedId.TryGetValue(model, out var named) ? named : _defaultRoute;

    private void Scan(int[] list, in RequestFeatures request, ref int best)
    {
        foreach (var index in list)
        {
            if (index >= best) return;
            if (_checks[index].Matches(request))
            {
                best = index;
                return;
            }
        }
    }

    private enum KeyKind { Exact, Prefix, Suffix }

    /// <summary>
    /// One key per pattern that every model the pattern matches must have; false when a pattern pins
    /// nothing. A literal pattern (no meta char) matches only itself. Up to the first meta char a
    /// pattern is compared char by char from the start, so a match begins with that prefix. A
    /// well-formed pattern's last chunk must match the model's tail exactly, so a match ends with the
    /// literal chars after the pattern's last meta char (<c>]</c> included: conservative).
    /// </summary>
    private static bool TryModelKeys(string[] patterns, out List<(KeyKind Kind, string Key)> keys)
    {
        keys = new List<(KeyKind, string)>(patterns.Length);
        foreach (var pattern in patterns)
        {
            var span = pattern.AsSpan();
            var first = span.IndexOfAny("*?[\\");
            if (first < 0)
            {
                // The empty pattern matches only the empty model, which never reaches the model index.
                keys.Add((KeyKind.Exact, pattern));
                continue;
            }
            if (first > 0)
            {
                keys.Add((KeyKind.Prefix, pattern[..first]));
                continue;
            }
            var last = span.LastIndexOfAny("*?[]\\");
            if (last < span.Length - 1 && PathGlob.IsValid(pattern))
            {
                keys.Add((KeyKind.Suffix, pattern[(last + 1)..]));
                continue;
            }
            return false;
        }
        return true;
    }

    private static void Add(Dictionary<string, List<int>> index, string key, int rule)
    {
        if (!index.TryGetValue(key, out var list)) index[key] = list = [];
        if (list.Count == 0 || list[^1] != rule) list.Add(rule);
    }

    private static (FrozenDictionary<string, int[]> Index, int Min) Freeze(Dictionary<string, List<int>> index)
    {
        var min = int.MaxValue;
        var frozen = new Dictionary<string, int[]>(index.Count, StringComparer.Ordinal);
        foreach (var (key, list) in index)
        {
            frozen[key] = [.. list];
            min = Math.Min(min, list[0]);
        }
        return (frozen.ToFrozenDictionary(StringComparer.Ordinal), min);
    }

    private static int[] Lengths(FrozenDictionary<string, int[]> index)
    {
        var lengths = new SortedSet<int>();
        foreach (var key in index.Keys) lengths.Add(key.Length);
        return [.. lengths];
    }

    /// <summary>One rule's conditions, laid out for a branchy but allocation-free check.</summary>
    private sealed class RuleCheck
    {
        private readonly string[]? _classification;
        private readonly string? _complexity;
        private readonly string[] _headerNames;
        private readonly string[] _headerValues;
        private readonly bool _hasModels;
        private readonly string[] _literalModels;
        private readonly string[] _globModels;

        public RuleCheck(RuleConfig config, bool hasStar)
        {
            HasStar = hasStar;
            _classification = config.DataClassification.Length > 0 ? config.DataClassification : null;
            _complexity = config.TaskComplexity is { Length: > 0 } level ? level : null;
            _headerNames = new string[config.Headers.Length];
            _headerValues = new string[config.Headers.Length];
            for (var i = 0; i < config.Headers.Length; i++)
            {
                _headerNames[i] = config.Headers[i].Name;
                _headerValues[i] = config.Headers[i].Value;
            }
            _hasModels = config.Models.Length > 0;
            var literals = new List<string>();
            var globs = new List<string>();
            foreach (var pattern in config.Models)
                (PathGlob.HasMeta(pattern) ? globs : literals).Add(pattern);
            _literalModels = [.. literals];
            _globModels = [.. globs];
        }

        public bool HasStar { get; }

        public bool Matches(in RequestFeatures request)
        {
            if (_classification is { } allowed)
            {
                var value = request.Classification;
                var found = false;
                foreach (var candidate in allowed)
                {
                    if (string.Equals(candidate, value))
                    {
                        found = true;
                        break;
                    }
                }
                if (!found) return false;
            }
            if (_complexity is not null && !string.Equals(_complexity, request.TaskComplexity)) return false;
            for (var i = 0; i < _headerNames.Length; i++)
            {
                if (!string.Equals(request.Header(_headerNames[i]), _headerValues[i])) return false;
            }
            if (_hasModels)
            {
                var model = request.Model;
                if (model.Length == 0) return HasStar;
                foreach (var literal in _literalModels)
                {
                    if (string.Equals(literal, model)) return true;
                }
                foreach (var glob in _globModels)
                {
                    if (PathGlob.IsMatch(glob, model)) return true;
                }
                return false;
            }
            return true;
        }
    }
}
