using System.Net;
using System.Net.Http.Headers;
using LLMKube.Gateway.Tests.Fixtures;
using LLMKube.Observability.Tests.Fixtures;

namespace LLMKube.Observability.Tests.Dashboards;

/// <summary>
/// The Orleans dashboard on the silo's admin port, in a real headless Chromium: with the credentials it renders the
/// grain list (our grains among them); without them the silo answers 401 and the browser sees no dashboard.
/// </summary>
[Collection(ObservabilityCollection.Name)]
public sealed class OrleansDashboardTests(ObservabilityFixture fixture)
{
    private const string User = "operator";
    private const string Password = "dashboard-s3cret";

    [ChromiumFact]
    public async Task WithCredentials_TheBrowserShowsTheGrainList_WithoutThem401()
    {
        var test = "dash" + Guid.NewGuid().ToString("N")[..8];
        var resources = Path.Combine(Path.GetTempPath(), $"llmkube-{test}.yaml");
        await File.WriteAllTextAsync(resources, RouterYaml.Router(RouterYaml.Local("local", 9), RouterYaml.Rule("all", "local")));
        try
        {
            await using var silo = await SiloHost.StartAsync(fixture.Redis, test, resources, extra: new Dictionary<string, string?>
            {
                ["Dashboard:Username"] = User,
                ["Dashboard:Password"] = Password,
            });
            var admin = silo.AdminAddress;
            var grains = new UriBuilder(admin) { UserName = User, Password = Password, Path = "/dashboard/", Fragment = "/grains" }.Uri;

            // The dashboard's own pages fetch its statistics every second: wait until our grains are listed.
            var dom = await ControlPlane.Tests.Fixtures.Eventually.GetAsync(() => HeadlessChromium.DumpDomAsync(grains)!,
                d => d.Contains("RoutingTableGrain", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the grain list in the rendered dashboard");
            Assert.Contains("Activations by Type", dom);
            Assert.Contains("LLMKube.Grains.Routers.RouterGrain", dom);
            Assert.Contains("LLMKube.Grains.Backends.BackendGrain", dom);

            var screenshot = Path.Combine(AppContext.BaseDirectory, "screenshots", "orleans-dashboard.png");
            await HeadlessChromium.ScreenshotAsync(grains, screenshot);
            var png = await File.ReadAllBytesAsync(screenshot);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
            Assert.True(png.Length > 20_000, $"a {png.Length}-byte screenshot is too small to show the dashboard");

            using var http = new HttpClient { BaseAddress = admin };
            using (var anonymous = await http.GetAsync("/dashboard/"))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
                Assert.Equal("Basic", anonymous.Headers.WwwAuthenticate.Single().Scheme);
            }
            using (var wrong = new HttpRequestMessage(HttpMethod.Get, "/dashboard/"))
            {
                wrong.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("operator:guess"u8.ToArray()));
                using var refused = await http.SendAsync(wrong);
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            }
            // The browser without credentials is asked for them (headless, it cannot answer) and renders nothing of the dashboard.
            var refusedDom = await HeadlessChromium.DumpDomAsync(new UriBuilder(admin) { Path = "/dashboard/", Fragment = "/grains" }.Uri, TimeSpan.FromSeconds(3));
            Assert.DoesNotContain("Orleans Dashboard", refusedDom);
            Assert.DoesNotContain("RouterGrain", refusedDom);
            // Health and metrics stay open on the admin port: probes and Prometheus carry no credentials.
            using (var metrics = await http.GetAsync("/metrics")) Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        }
        finally
        {
            File.Delete(resources);
        }
    }

    [Fact]
    public async Task WithoutCredentials_TheDashboardIsOff_AndATokenAloneOpensItToBearers()
    {
        var test = "dash" + Guid.NewGuid().ToString("N")[..8];
        await using (var off = await SiloHost.StartAsync(fixture.Redis, test))
        {
            using var http = new HttpClient { BaseAddress = off.AdminAddress };
            using var dashboard = await http.GetAsync("/dashboard/");
            Assert.Equal(HttpStatusCode.NotFound, dashboard.StatusCode);
            Assert.StartsWith("the Orleans dashboard is off: set Dashboard:Username and Dashboard:Password", await dashboard.Content.ReadAsStringAsync());
            Assert.Contains(off.Logs.Messages, m => m.Contains(": the Orleans dashboard is off: no Dashboard:Username", StringComparison.Ordinal));
        }

        await using var silo = await SiloHost.StartAsync(fixture.Redis, test + "t", extra: new Dictionary<string, string?> { ["Dashboard:Token"] = "t0ken" });
        using var client = new HttpClient { BaseAddress = silo.AdminAddress };
        using (var anonymous = await client.GetAsync("/dashboard/"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("Bearer", anonymous.Headers.WwwAuthenticate.Single().Scheme);
        }
        using var bearer = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "t0ken");
        using var allowed = await client.SendAsync(bearer);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Contains("<title>Orleans Dashboard</title>", await allowed.Content.ReadAsStringAsync());
    }
}
