using System.Globalization;

namespace LLMKube.Grains.Routing;

/// <summary>A backend's declared prices in USD per million prompt and completion tokens (<c>costPerMillionTokens</c>).</summary>
[GenerateSerializer, Immutable]
public sealed record TokenPrices(
    [property: Id(0)] decimal PromptPerMillion,
    [property: Id(1)] decimal CompletionPerMillion)
{
    /// <summary>The cost of one request, in USD.</summary>
    public decimal Cost(long promptTokens, long completionTokens)
        => (promptTokens * PromptPerMillion + completionTokens * CompletionPerMillion) / 1_000_000m;

    /// <summary>
    /// Prices from the spec's decimal strings; a missing price counts as 0. Null when neither is set, or when
    /// one does not parse (the validator refuses such a spec before it is compiled).
    /// </summary>
    public static TokenPrices? From(string? prompt, string? completion)
    {
        if (string.IsNullOrEmpty(prompt) && string.IsNullOrEmpty(completion)) return null;
        return TryParse(prompt, out var p) && TryParse(completion, out var c) ? new TokenPrices(p, c) : null;
    }

    private static bool TryParse(string? value, out decimal price)
    {
        price = 0;
        return string.IsNullOrEmpty(value) || decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out price);
    }
}
