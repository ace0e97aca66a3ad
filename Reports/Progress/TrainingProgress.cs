using ScalePlanner.Executor.Execution;
using ScalePlanner.Executor.Measurements;

namespace ScalePlanner.Reports.Progress;

/// <summary>
/// Training progress, as the executor reports it (<see cref="IExecutionObserver"/>): after each step the live line (<see cref="ProgressLine.Live"/>) for a terminal and the full line for logs,
/// handed to a view (<see cref="ConsoleProgress"/> picks one). The ETA is the mean step time so far times the steps left. A
/// header (e.g. where the data comes from) goes out once, just before the first step, so a run refused before it trains
/// prints only its error.
/// </summary>
public sealed class TrainingProgress(IProgressView view, int totalSteps) : IExecutionObserver
{
    private double elapsedSeconds;
    private int stepsSeen;
    private string? header;

    public void Log(string line) => view.Line(line);

    /// <summary>What the run is, shown just before its first step.</summary>
    public void Started(string description) => header = description;

    public void Step(StepMetrics step)
    {
        var eta = Eta(step.Step, step.StepSeconds);
        view.Advance(step.Step + 1, totalSteps, ProgressLine.Live(step, totalSteps, eta), ProgressLine.Plain(step, totalSteps, eta));
    }

    /// <summary>A step across processes: its full line on a terminal too (every part of the step).</summary>
    public void Step(DistributedStepMetrics step)
    {
        Eta(step.Step, step.StepSeconds);
        string line = ProgressLine.Distributed(step, totalSteps);
        view.Advance(step.Step + 1, totalSteps, line, line);
    }

    private TimeSpan Eta(int step, double seconds)
    {
        if (stepsSeen == 0 && header is not null) view.Line(header);
        elapsedSeconds += seconds;
        stepsSeen++;
        int left = Math.Max(0, totalSteps - (step + 1));   // a resumed run starts past step 0
        return TimeSpan.FromSeconds(elapsedSeconds / stepsSeen * left);
    }
}
