using System.Buffers;
using LLMKube.Gateway.Errors;
using LLMKube.Gateway.Forwarding;
using LLMKube.Gateway.Routing;

namespace LLMKube.Gateway.Hosting;

/// <summary>The gateway's HTTP surface besides <c>/healthz</c> and <c>/readyz</c>.</summary>
public static class GatewayEndpoints
{
    /// <summary>The OpenAI endpoints that are routed; the upstream path mirrors the inbound one.</summary>
    public static readonly string[] RoutedPaths = ["/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/responses"];

    // A client's own request id is kept when it is short and plain, so its logs and ours correlate.
    private static readonly SearchValues<char> _requestIdChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:");

    internal static WebApplication MapGatewayEndpoints(this WebApplication app)
    {
        app.Use(static (context, next) =>
        {
            var incoming = context.Request.Headers[UpstreamHeaders.RequestId];
            if (incoming.Count == 1 && incoming[0] is { Length: > 0 and <= 128 } id && !id.AsSpan().ContainsAnyExcept(_requestIdChars))
                context.TraceIdentifier = id;
            // Set as the headers go out, so clearing a failed attempt's response cannot remove it.
            context.Response.OnStarting(static state =>
            {
                var http = (HttpContext)state;
                http.Response.Headers[UpstreamHeaders.RequestId] = http.TraceIdentifier;
                return Task.CompletedTask;
            }, context);
            return next(context);
        });

        var dispatcher = app.Services.GetRequiredService<Dispatcher>();
        foreach (var path in RoutedPaths)
        {
            app.Map(path, context => HttpMethods.IsPost(context.Request.Method)
                ? dispatcher.HandleAsync(context)
                : MethodNotAllowed(context, "POST"));
        }
        var routing = app.Services.GetRequiredService<RoutingState>();
        app.Map("/v1/models", context => Models(context, routing, id: null));
        app.Map("/v1/models/{**id}", context => Models(context, routing, ModelId(context)));
        app.MapFallback(context => OpenAIError.WriteAsync(context, 404, "not_found",
            $"unknown path {context.Request.Method} {context.Request.Path}; this gateway serves {string.Join(", ", RoutedPaths)} and /v1/models"));
        return app;
    }

    private static Task Models(HttpContext context, RoutingState routing, string? id)
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
            return MethodNotAllowed(context, "GET, HEAD");
        if (routing.Current is not { } plan)
            return OpenAIError.WriteAsync(context, 503, "not_ready", "the gateway has not loaded its routing configuration yet", TimeSpan.FromSeconds(1));
        byte[]? body;
        if (id is null) body = plan.ModelsJson;
        else if (!plan.ModelJson.TryGetValue(id, out body))
            return OpenAIError.WriteAsync(context, 404, "model_not_found", $"the model \"{id}\" does not exist; GET /v1/models lists the models of this gateway");
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : context.Response.Body.WriteAsync(body).AsTask();
    }

    // The server decodes every escape of the path but %2F; SDKs send the '/' of an id like org/model as %2F.
    private static string ModelId(HttpContext context)
        => ((string?)context.Request.RouteValues["id"] ?? "").Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);

    private static Task MethodNotAllowed(HttpContext context, string allow)
        => OpenAIError.WriteAsync(context, 405, "method_not_allowed", $"{context.Request.Method} is not allowed on {context.Request.Path}; use {allow}", allow: allow);
}
