using System.Globalization;
using System.Text;

namespace LLMKube.Grains.Validation;

/// <summary>
/// Go's <c>time.ParseDuration</c> and <c>Duration.String</c>, because duration fields of the LLMKube
/// API (<c>timeout: 1m30s</c>) are Go duration strings and error messages quote them the Go way.
/// </summary>
public static class GoDuration
{
    private const ulong MaxMagnitude = 1UL << 63;
    private const ulong NanosPerTick = 100;

    private static readonly Dictionary<string, ulong> _unitNanos = new(StringComparer.Ordinal)
    {
        ["ns"] = 1,
        ["us"] = 1_000,
        ["\u00b5s"] = 1_000, // µ MICRO SIGN
        ["\u03bcs"] = 1_000, // μ GREEK SMALL LETTER MU
        ["ms"] = 1_000_000,
        ["s"] = 1_000_000_000,
        ["m"] = 60_000_000_000,
        ["h"] = 3_600_000_000_000,
    };

    /// <summary>
    /// Parses a Go duration such as <c>300ms</c>, <c>-1.5h</c> or <c>2h45m</c>. Like Go, a unit is
    /// required except for <c>0</c>, and the value must fit in int64 nanoseconds. Precision below
    /// 100 ns (one <see cref="TimeSpan"/> tick) is truncated.
    /// </summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var s = text.AsSpan();
        var negative = false;
        if (s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s is "0")
        {
            return true;
        }

        if (s.IsEmpty)
        {
            return false;
        }

        ulong total = 0;
        while (!s.IsEmpty)
        {
            if (!(s[0] == '.' || char.IsAsciiDigit(s[0])))
            {
                return false;
            }

            var digits = CountDigits(s);
            if (!TryParseInteger(s[..digits], out var whole))
            {
                return false;
            }

            s = s[digits..];
            ulong fraction = 0;
            double scale = 1;
            var fractionDigits = 0;
            if (!s.IsEmpty && s[0] == '.')
            {
                s = s[1..];
                fractionDigits = CountDigits(s);
                ParseFraction(s[..fractionDigits], out fraction, out scale);
                s = s[fractionDigits..];
            }

            if (digits == 0 && fractionDigits == 0)
            {
                return false;
            }

            var unitLength = 0;
            while (unitLength < s.Length && !(s[unitLength] == '.' || char.IsAsciiDigit(s[unitLength])))
            {
                unitLength++;
            }

            if (unitLength == 0 || !_unitNanos.TryGetValue(s[..unitLength].ToString(), out var unit))
            {
                return false;
            }

            s = s[unitLength..];
            if (whole > MaxMagnitude / unit)
            {
                return false;
            }

            var component = whole * unit;
            if (fraction > 0)
            {
                component += (ulong)(fraction * (unit / scale));
                if (component > MaxMagnitude)
                {
                    return false;
                }
            }

            total += component;
            if (total > MaxMagnitude)
            {
                return false;
            }
        }

        if (!negative && total > MaxMagnitude - 1)
        {
            return false;
        }

        var ticks = (long)(total / NanosPerTick);
        value = TimeSpan.FromTicks(negative ? -ticks : ticks);
        return true;
    }

    /// <summary>Formats like Go's <c>Duration.String</c>: <c>0s</c>, <c>500ms</c>, <c>1m30s</c>, <c>30m0s</c>, <c>2h0m0s</c>.</summary>
    public static string Format(TimeSpan value)
    {
        var ticks = value.Ticks;
        if (ticks == 0)
        {
            return "0s";
        }

        var negative = ticks < 0;
        // ulong keeps long.MinValue representable after negation.
        var nanos = (negative ? (ulong)-(ticks + 1) + 1 : (ulong)ticks) * NanosPerTick;
        var text = new StringBuilder();
        if (negative)
        {
            text.Append('-');
        }

        if (nanos < 1_000_000_000)
        {
            var (unitNanos, suffix) = nanos switch
            {
                < 1_000 => (1UL, "ns"),
                < 1_000_000 => (1_000UL, "\u00b5s"),
                _ => (1_000_000UL, "ms"),
            };
            AppendWithFraction(text, nanos, unitNanos);
            return text.Append(suffix).ToString();
        }

        var hours = nanos / 3_600_000_000_000;
        var minutes = nanos / 60_000_000_000 % 60;
        var secondsNanos = nanos % 60_000_000_000;
        if (hours > 0)
        {
            text.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        }

        if (hours > 0 || minutes > 0)
        {
            text.Append(minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        }

        AppendWithFraction(text, secondsNanos, 1_000_000_000);
        return text.Append('s').ToString();
    }

    private static void AppendWithFraction(StringBuilder text, ulong nanos, ulong unitNanos)
    {
        text.Append((nanos / unitNanos).ToString(CultureInfo.InvariantCulture));
        var remainder = nanos % unitNanos;
        if (remainder == 0)
        {
            return;
        }

        var width = unitNanos.ToString(CultureInfo.InvariantCulture).Length - 1;
        text.Append('.').Append(remainder.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0').TrimEnd('0'));
    }

    private static int CountDigits(ReadOnlySpan<char> s)
    {
        var count = 0;
        while (count < s.Length && char.IsAsciiDigit(s[count]))
        {
            count++;
        }

        return count;
    }

    private static bool TryParseInteger(ReadOnlySpan<char> digits, out ulong value)
    {
        value = 0;
        foreach (var c in digits)
        {
            if (value > (MaxMagnitude - 1) / 10)
            {
                return false;
            }

            value = value * 10 + (ulong)(c - '0');
            if (value > MaxMagnitude)
            {
                return false;
            }
        }

        return true;
    }

    private static void ParseFraction(ReadOnlySpan<char> digits, out ulong fraction, out double scale)
    {
        fraction = 0;
        scale = 1;
        var overflow = false;
        foreach (var c in digits)
        {
            // Like Go: digits that no longer fit are dropped, they are far below a nanosecond.
            if (overflow || fraction > (MaxMagnitude - 1) / 10)
            {
                overflow = true;
                continue;
            }

            fraction = fraction * 10 + (ulong)(c - '0');
            scale *= 10;
        }
    }
}
