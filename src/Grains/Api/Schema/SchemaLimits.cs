namespace LLMKube.Grains.Api.Schema;

/// <summary>
/// Bounds shared by the CRD schema (as attributes) and the C# validator, so both refuse the same objects. List
/// sizes also bound the API server's CEL cost estimate, which refuses a CRD whose rules iterate unbounded lists.
/// </summary>
public static class SchemaLimits
{
    public const int MaxBackends = 64;
    public const int MaxRules = 64;
    public const int MaxRouteBackends = 16;
    public const int MaxListItems = 32;
    public const int MaxNameLength = 63;
    public const int MaxStringLength = 2048;
    public const int MinProxyReplicas = 1;
    public const int MaxProxyReplicas = 10;

    /// <summary>A Go duration (<c>300ms</c>, <c>1m30s</c>); the validator then checks the range.</summary>
    public const string DurationPattern = @"^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$";
}
