using System.Net.Http.Headers;
using LLMKube.Grains.Routing;
using Yarp.ReverseProxy.Forwarder;

namespace LLMKube.Gateway.Forwarding;

/// <summary>How an attempt's request asked for a stream: by the client, and whether the gateway added <c>stream_options.include_usage</c>.</summary>
internal readonly record struct AttemptStreaming(bool ClientAsked, bool UsageInjected);
