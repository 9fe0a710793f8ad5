namespace LLMKube.Grains.Observability;

/// <summary>Histogram bucket boundaries that suit LLM traffic: milliseconds to minutes, and tokens up to millions.</summary>
public static class Buckets
{
    /// <summary>Seconds, 5 ms to 10 min: time to headers, to first token, whole requests, reconciles.</summary>
    public static readonly IReadOnlyList<double> Seconds =
        [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160, 320, 600];

    /// <summary>Tokens per request, as the OpenTelemetry GenAI conventions advise (powers of 4).</summary>
    public static readonly IReadOnlyList<long> Tokens =
        [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
}
