namespace LLMKube.Gateway.Tests.Fixtures;

/// <summary>Small builders for ModelRouter YAML in tests.</summary>
public static class RouterYaml
{
    /// <summary>A local-tier backend pointing at <paramref name="address"/> (an OpenAI-compatible server).</summary>
    public static string Local(string name, Uri address, string extra = "") => $$"""
          - name: {{name}}
            tier: local
            external: { provider: openai, url: "{{address.ToString().TrimEnd('/')}}", model: {{name}}-model }
        {{Indent(extra, 4)}}

        """;

    public static string Local(string name, int port, string extra = "") => Local(name, new Uri($"http://127.0.0.1:{port}"), extra);

    /// <summary>An InferenceService <c>{ns}/{name}</c> serving at <c>127.0.0.1:{port}</c>, followed by a document separator.</summary>
    public static string InferenceService(string name, int port, string ns = "default") => $$"""
        apiVersion: inference.llmkube.dev/v1alpha1
        kind: InferenceService
        metadata: { name: {{name}}, namespace: {{ns}} }
        spec:
          modelRef: m
          endpoint: { port: {{port}} }
        ---

        """;

    /// <summary>A backend reaching the InferenceService <paramref name="service"/>: no model override, the body goes as sent.</summary>
    public static string ServiceBackend(string name, string service, string extra = "") => $$"""
          - name: {{name}}
            inferenceServiceRef: { name: {{service}} }
        {{Indent(extra, 4)}}

        """;

    /// <summary>A ModelRouter <c>default/test</c> with the given backends and rules blocks.</summary>
    public static string Router(string backends, string rules = "", string specExtra = "") => $"""
        apiVersion: inference.llmkube.dev/v1alpha1
        kind: ModelRouter
        metadata:
          name: test
          namespace: default
        spec:
          backends:
        {backends}
        {(rules.Length > 0 ? "  rules:\n" + rules : "")}
        {Indent(specExtra, 2)}
        """;

    /// <summary>A rule routing every request (or those matching <paramref name="match"/>) to <paramref name="backends"/>.</summary>
    public static string Rule(string name, string backends, string match = "{}", string extra = "") => $$"""
          - name: {{name}}
            match: {{match}}
            route: { backends: [{{backends}}] }
        {{Indent(extra, 4)}}

        """;

    private static string Indent(string text, int spaces)
    {
        if (string.IsNullOrWhiteSpace(text)) return "";
        var pad = new string(' ', spaces);
        return string.Join("\n", text.Split('\n').Select(l => l.Length == 0 ? l : pad + l.TrimStart('\n')));
    }
}
