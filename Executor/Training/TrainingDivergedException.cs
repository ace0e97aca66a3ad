namespace ScalePlanner.Executor.Training;

/// <summary>The run stopped because it diverged; the message says which step and why, in one line.</summary>
public sealed class TrainingDivergedException(int step, string reason) : Exception($"training diverged at step {step + 1}: {reason}")
{
    public int Step { get; } = step;
}
