namespace ScalePlanner.Simulator.Specs;

/// <summary>A specification value is outside what the model accepts. The message is one line: field, value, what is allowed.</summary>
public sealed class SpecException(string field, string problem) : Exception($"{field}: {problem}")
{
    public string Field { get; } = field;
}
