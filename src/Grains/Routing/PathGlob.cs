namespace LLMKube.Grains.Routing;

/// <summary>
/// Go's <c>path.Match</c>, ported because LLMKube's model globs are defined by it: <c>*</c> and
/// <c>?</c> never cross <c>/</c>, <c>[a-z]</c> and <c>[^...]</c> are classes, <c>\</c> escapes.
/// .NET has no glob with these exact semantics (FileSystemName treats paths differently).
/// </summary>
public static class PathGlob
{
    /// <summary>True when <paramref name="pattern"/> has a glob meta character.</summary>
    public static bool HasMeta(string pattern) => pattern.AsSpan().IndexOfAny("*?[\\") >= 0;

    /// <summary>True when the pattern is well formed (a malformed pattern never matches).</summary>
    public static bool IsValid(string pattern) => TryMatch(pattern, "", out _);

    /// <summary>Whole-string, case-sensitive match; a malformed pattern returns false.</summary>
    public static bool IsMatch(string pattern, string name) => TryMatch(pattern, name, out var ok) && ok;

    /// <summary>Returns false when the pattern is malformed (Go's ErrBadPattern).</summary>
    public static bool TryMatch(string pattern, string name, out bool matched)
    {
        matched = false;
        ReadOnlySpan<char> p = pattern, s = name;
        while (p.Length > 0)
        {
            var star = ScanChunk(ref p, out var chunk);
            if (star && chunk.IsEmpty)
            {
                matched = s.IndexOf('/') < 0;
                return true;
            }
            if (!MatchChunk(chunk, s, out var consumed, out var ok)) return false;
            if (ok && (consumed == s.Length || p.Length > 0))
            {
                s = s[consumed..];
                continue;
            }
            var advanced = false;
            if (star)
            {
                for (var i = 0; i < s.Length && s[i] != '/'; i++)
                {
                    var tail = s[(i + 1)..];
                    if (!MatchChunk(chunk, tail, out consumed, out ok)) return false;
                    if (!ok) continue;
                    if (p.IsEmpty && consumed < tail.Length) continue;
                    s = tail[consumed..];
                    advanced = true;
                    break;
                }
            }
            if (advanced) continue;
            // Before answering "no match", make sure the rest of the pattern is well formed.
            while (p.Length > 0)
            {
                ScanChunk(ref p, out chunk);
                if (!MatchChunk(chunk, "", out _, out _)) return false;
            }
            return true;
        }
        matched = s.IsEmpty;
        return true;
    }

    private static bool ScanChunk(ref ReadOnlySpan<char> pattern, out ReadOnlySpan<char> chunk)
    {
        var star = false;
        while (pattern.Length > 0 && pattern[0] == '*')
        {
            pattern = pattern[1..];
            star = true;
        }
        var inRange = false;
        var i = 0;
        for (; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\') { if (i + 1 < pattern.Length) i++; }
            else if (c == '[') inRange = true;
            else if (c == ']') inRange = false;
            else if (c == '*' && !inRange) break;
        }
        chunk = pattern[..i];
        pattern = pattern[i..];
        return star;
    }

    // Returns false on a malformed pattern; otherwise ok tells whether chunk matched the first `consumed` chars of s.
    private static bool MatchChunk(ReadOnlySpan<char> chunk, ReadOnlySpan<char> s, out int consumed, out bool ok)
    {
        consumed = 0;
        var length = s.Length;
        ok = false;
        var failed = false;
        while (chunk.Length > 0)
        {
            if (!failed && s.IsEmpty) failed = true;
            switch (chunk[0])
            {
                case '[':
                {
                    var r = -1;
                    if (!failed) r = TakeRune(ref s);
                    chunk = chunk[1..];
                    var negated = false;
                    if (chunk.Length > 0 && chunk[0] == '^')
                    {
                        negated = true;
                        chunk = chunk[1..];
                    }
                    var match = false;
                    var ranges = 0;
                    while (true)
                    {
                        if (chunk.Length > 0 && chunk[0] == ']' && ranges > 0)
                        {
                            chunk = chunk[1..];
                            break;
                        }
                        if (!GetEscaped(ref chunk, out var lo)) return false;
                        var hi = lo;
                        if (chunk[0] == '-')
                        {
                            chunk = chunk[1..];
                            if (!GetEscaped(ref chunk, out hi)) return false;
                        }
                        if (lo <= r && r <= hi) match = true;
                        ranges++;
                    }
                    if (match == negated) failed = true;
                    break;
                }
                case '?':
                    if (!failed)
                    {
                        if (s[0] == '/') failed = true;
                        TakeRune(ref s);
                    }
                    chunk = chunk[1..];
                    break;
                case '\\':
                    chunk = chunk[1..];
                    if (chunk.IsEmpty) return false;
                    goto default;
                default:
                    if (!failed)
                    {
                        if (chunk[0] != s[0]) failed = true;
                        s = s[1..];
                    }
                    chunk = chunk[1..];
                    break;
            }
        }
        if (failed) return true;
        consumed = length - s.Length;
        ok = true;
        return true;
    }

    private static bool GetEscaped(ref ReadOnlySpan<char> chunk, out int rune)
    {
        rune = 0;
        if (chunk.IsEmpty || chunk[0] == '-' || chunk[0] == ']') return false;
        if (chunk[0] == '\\')
        {
            chunk = chunk[1..];
            if (chunk.IsEmpty) return false;
        }
        rune = TakeRune(ref chunk);
        return !chunk.IsEmpty;
    }

    private static int TakeRune(ref ReadOnlySpan<char> s)
    {
        if (s.Length >= 2 && char.IsSurrogatePair(s[0], s[1]))
        {
            var r = char.ConvertToUtf32(s[0], s[1]);
            s = s[2..];
            return r;
        }
        int c = s[0];
        s = s[1..];
        return c;
    }
}
