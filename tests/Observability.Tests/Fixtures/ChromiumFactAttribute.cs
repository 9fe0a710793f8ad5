namespace LLMKube.Observability.Tests.Fixtures;

/// <summary>A test that drives a real headless Chromium; skipped, saying how to install it, where it is missing.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (!HeadlessChromium.Found) Skip = HeadlessChromium.SkipReason;
    }
}
