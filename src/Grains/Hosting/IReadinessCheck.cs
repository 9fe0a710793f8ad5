using Microsoft.AspNetCore.Http;

namespace LLMKube.Grains.Hosting;

/// <summary>What <c>GET /readyz</c> answers for this process (200 when it should receive traffic, 503 otherwise).</summary>
public interface IReadinessCheck
{
    IResult Check();
}
