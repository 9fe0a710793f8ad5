namespace LLMKube.ControlPlane.Tests.Fixtures;

/// <summary>Polls the API server until a condition holds: reconciles are asynchronous by design.</summary>
public static class Eventually
{
    public static async Task<T> GetAsync<T>(Func<Task<T?>> read, Func<T, bool> done, TimeSpan? timeout = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        T? last = default;
        Exception? error = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await read();
                error = null;
                if (last is not null && done(last)) return last;
            }
            catch (Exception ex)
            {
                error = ex;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"{what ?? "condition"} not reached; last value: {last}; last error: {error?.Message}");
    }
}
