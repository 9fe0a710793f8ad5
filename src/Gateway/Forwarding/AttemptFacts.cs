using LLMKube.Grains.Backends;
using Yarp.ReverseProxy.Forwarder;

namespace LLMKube.Gateway.Forwarding;

/// <summary>The facts of one attempt, as the forwarder left them.</summary>
internal readonly record struct AttemptFacts(
    string Backend,
    ResponseDecision Decision,
    int Status,
    ForwarderError Error,
    Exception? Exception,
    bool ClientAborted,
    bool DeadlineExpired,
    bool Draining,
    TimeSpan Budget);
