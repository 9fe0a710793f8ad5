using System.Collections.Frozen;
using LLMKube.Grains.Api;
using LLMKube.Grains.Routing;

namespace LLMKube.Gateway.Credentials;

/// <summary>
/// Resolves a backend's <see cref="CredentialRef"/> on this gateway: the value the silo read from the
/// Secret and sent in the snapshot, else the key of a <c>Secret</c> document loaded with the resources,
/// else the environment variable of the same name (as the Secret's keys become environment variables of
/// a gateway pod). Values go only into upstream requests, never into logs.
/// </summary>
public sealed class CredentialStore
{
    private volatile FrozenDictionary<string, string> _secretValues = FrozenDictionary<string, string>.Empty;

    /// <summary>Replaces the Secret documents known to this gateway.</summary>
    public void Load(IEnumerable<Secret> secrets)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var secret in secrets)
        {
            var prefix = $"{secret.Key}/";
            foreach (var (key, value) in secret.Values()) values[prefix + key] = value;
        }
        _secretValues = values.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The credential, or null when neither the Secret nor the environment has it.</summary>
    public string? Resolve(string routerNamespace, CredentialRef reference)
    {
        // The value the silo read from the Secret and sent in the snapshot wins: it follows rotations at once.
        if (reference.Value?.Reveal() is { Length: > 0 } sent) return sent;
        if (_secretValues.TryGetValue($"{routerNamespace}/{reference.SecretName}/{reference.Key}", out var value) && value.Length > 0)
            return value;
        var env = Environment.GetEnvironmentVariable(reference.Key);
        return string.IsNullOrWhiteSpace(env) ? null : env.Trim();
    }
}
