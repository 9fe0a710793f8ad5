using System.Globalization;
using System.Text;

namespace LLMKube.Grains.Kubernetes.Gateways;

/// <summary>
/// A duration as Envoy Gateway and Envoy AI Gateway accept it (<c>^([0-9]{1,5}(h|m|s|ms)){1,4}$</c>): hours,
/// minutes, seconds and milliseconds, zero parts left out, rounded to the millisecond (at least 1ms).
/// </summary>
public static class EnvoyDuration
{
    public static string Format(TimeSpan value)
    {
        var ms = Math.Max(1, (long)Math.Round(value.TotalMilliseconds, MidpointRounding.AwayFromZero));
        var text = new StringBuilder();
        Append(text, ms / 3_600_000, "h");
        Append(text, ms / 60_000 % 60, "m");
        Append(text, ms / 1000 % 60, "s");
        Append(text, ms % 1000, "ms");
        return text.ToString();
    }

    private static void Append(StringBuilder text, long amount, string unit)
    {
        if (amount > 0) text.Append(amount.ToString(CultureInfo.InvariantCulture)).Append(unit);
    }
}
