using System.Net;
using System.Text.Json;
using LLMKube.Gateway.Tests.Fixtures;

namespace LLMKube.Gateway.Tests.Audit;

/// <summary><c>spec.policy.auditLog: {sink: file, filePath}</c> sends the router's audit lines to that file, and a reload moves them back.</summary>
public sealed class AuditFileTests
{
    [Fact]
    public async Task FileSink_WritesTheAuditLinesThere_AndAReloadWithoutItGoesBackToTheConfiguredOutput()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var file = Path.Combine(Path.GetTempPath(), $"llmkube-audit-{Guid.NewGuid():N}.jsonl");
        var backends = RouterYaml.Local("a", upstream.Port);
        await using var host = await GatewayHost.StartAsync(RouterYaml.Router(backends,
            specExtra: $"defaultRoute: a\npolicy: {{ auditLog: {{ sink: file, filePath: \"{file}\" }} }}"));
        try
        {
            using (var response = await host.SendAsync("to-file")) Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var line = await WaitForLineAsync(file);
            Assert.Equal("to-file", JsonDocument.Parse(line).RootElement.GetProperty("model").GetString());

            Assert.True((await host.RewriteAsync(RouterYaml.Router(backends, specExtra: "defaultRoute: a"))).Applied);
            await host.WaitForPlanAsync(p => p.Config.AuditFile is null);
            using (var response = await host.SendAsync("to-stdout")) Assert.Equal(HttpStatusCode.OK, response.StatusCode);

            var back = await host.Audit.WaitForRequestAsync(l => l.GetProperty("model").GetString() == "to-stdout");
            Assert.Equal("router.dispatch", back.GetProperty("msg").GetString());
            Assert.DoesNotContain(host.Audit.Lines, l => l.Contains("to-file"));
            Assert.DoesNotContain("to-stdout", await File.ReadAllTextAsync(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<string> WaitForLineAsync(string file)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            if (File.Exists(file))
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                var text = await new StreamReader(stream).ReadToEndAsync(timeout.Token);
                if (text.EndsWith('\n')) return text.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
            }
            await Task.Delay(20, timeout.Token);
        }
    }
}
