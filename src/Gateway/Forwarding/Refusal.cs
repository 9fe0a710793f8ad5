using LLMKube.Grains.Backends;
using Yarp.ReverseProxy.Forwarder;

namespace LLMKube.Gateway.Forwarding;

/// <summary>An error answer of the gateway's own: status, audit outcome, OpenAI error code and message.</summary>
/// <param name="RetryMayHelp">False for refusals a retry cannot fix (no route, policy): sent as <c>x-should-retry: false</c>.</param>
internal readonly record struct Refusal(int Status, string Outcome, string Code, string Message, bool RetryMayHelp);
