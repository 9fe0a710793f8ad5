using Microsoft.Extensions.Primitives;

namespace LLMKube.Gateway.Routing;

/// <summary>What rules match on: body <c>model</c>, the classification and complexity headers, and any header.</summary>
internal readonly struct RequestFeatures(string model, string classification, string taskComplexity, IHeaderDictionary headers)
{
    public string Model { get; } = model;

    /// <summary>Lower-cased, trimmed value of the router's classification header; empty when absent.</summary>
    public string Classification { get; } = classification;

    /// <summary>Lower-cased value of <c>x-llmkube-task-complexity</c>; empty when absent.</summary>
    public string TaskComplexity { get; } = taskComplexity;

    public IHeaderDictionary Headers { get; } = headers;

    /// <summary>First value of a header, or null.</summary>
    public string? Header(string name)
    {
        var values = Headers[name];
        return StringValues.IsNullOrEmpty(values) ? null : values[0];
    }

    public static RequestFeatures From(string model, IHeaderDictionary headers, string classificationHeader)
    {
        static string Lower(StringValues v) => StringValues.IsNullOrEmpty(v) ? "" : v[0]!.Trim().ToLowerInvariant();
        return new RequestFeatures(model, Lower(headers[classificationHeader]), Lower(headers[Grains.Routing.RouterConfig.TaskComplexityHeader]), headers);
    }
}
