using LLMKube.Grains.Backends;
using Yarp.ReverseProxy.Forwarder;

namespace LLMKube.Gateway.Forwarding;

/// <summary>How a relayed response ended.</summary>
internal readonly record struct RelayResult(string Outcome, AttemptVerdict Verdict, string? Error);
