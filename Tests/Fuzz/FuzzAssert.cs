using System.Text.Json;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Tests.Fuzz;

/// <summary>
/// What every fuzz case must end in: a result whose figures are all finite (and the headline ones positive), or one refusal
/// of one line naming a field; never another exception, never a hang.
/// </summary>
public static class FuzzAssert
{
    /// <summary>Longest a case may take in-process (the slowest valid case, a fit with bootstrap, takes about a second).</summary>
    public static readonly TimeSpan InProcessLimit = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Runs <paramref name="work"/>; true when it returned, false when it refused with a <see cref="SpecException"/> of one
    /// line. Anything else, or running past <see cref="InProcessLimit"/>, fails the case.
    /// </summary>
    public static bool Accepted(Action work, object fuzzCase)
    {
        var task = Task.Run(() =>
        {
            try
            {
                work();
                return (SpecException?)null;
            }
            catch (SpecException ex)
            {
                return ex;
            }
        });
        if (!task.Wait(InProcessLimit)) throw new Xunit.Sdk.XunitException($"no answer in {InProcessLimit.TotalSeconds} s (a hang) for {fuzzCase}");
        if (task.IsFaulted) throw new Xunit.Sdk.XunitException($"{task.Exception!.InnerException!.GetType().Name} for {fuzzCase}: {task.Exception.InnerException}");
        if (task.Result is not { } refusal) return true;
        OneLine(refusal.Message, fuzzCase);
        Assert.False(string.IsNullOrWhiteSpace(refusal.Field), $"a refusal without a field for {fuzzCase}");
        return false;
    }

    /// <summary>An error message is one line, `FIELD: what is wrong`, with no stack trace.</summary>
    public static void OneLine(string message, object fuzzCase)
    {
        Assert.False(message.Contains('\n'), $"a refusal of more than one line for {fuzzCase}: {message}");
        Assert.Contains(": ", message);
        Assert.DoesNotContain("   at ", message);
    }

    /// <summary>Every number in a JSON document is finite, and each named headline figure positive.</summary>
    public static void FiniteJson(string json, object fuzzCase, params string[] positive)
    {
        using var document = JsonDocument.Parse(json);
        Walk(document.RootElement, "$", fuzzCase, positive);
    }

    private static void Walk(JsonElement element, string path, object fuzzCase, string[] positive)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject()) Walk(property.Value, property.Name, fuzzCase, positive);
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray()) Walk(item, path, fuzzCase, positive);
                break;
            case JsonValueKind.Number:
                double value = element.GetDouble();
                Assert.True(double.IsFinite(value), $"{path} = {value} for {fuzzCase}");
                if (positive.Contains(path)) Assert.True(value > 0, $"{path} = {value} is not positive for {fuzzCase}");
                break;
            case JsonValueKind.String when element.GetString() is "NaN" or "Infinity" or "-Infinity":
                throw new Xunit.Sdk.XunitException($"{path} = {element.GetString()} for {fuzzCase}");
        }
    }
}
