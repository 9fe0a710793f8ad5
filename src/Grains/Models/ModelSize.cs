using System.Globalization;

namespace LLMKube.Grains.Models;

/// <summary><c>Model.status.size</c>: <c>N B</c> below 1 KiB, else one decimal and a binary unit (<c>4.1 GiB</c>), the format the Metal agent parses back.</summary>
public static class ModelSize
{
    public static string Format(long bytes)
    {
        if (bytes < 1024) return bytes.ToString(CultureInfo.InvariantCulture) + " B";
        var unit = 0;
        var value = (double)bytes;
        while (value >= 1024 && unit < 6)
        {
            value /= 1024;
            unit++;
        }
        // Long.MaxValue is below 8 EiB, so six units suffice.
        return value.ToString("0.0", CultureInfo.InvariantCulture) + " " + "KMGTPE"[unit - 1] + "iB";
    }
}
