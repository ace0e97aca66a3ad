using ScalePlanner.Simulator.Simulation;

namespace ScalePlanner.Executor.Monitoring;

/// <summary>
/// Shows training progress on a writer: on a terminal one line rewritten in place after each step (carriage return, padded
/// over the previous line, a newline after the last step); otherwise one plain line per step. The ETA is the mean step time
/// so far times the steps left.
/// </summary>
public sealed class ProgressDisplay(TextWriter writer, int totalSteps, bool live)
{
    private double elapsedSeconds;
    private int stepsSeen;
    private int previousWidth;

    /// <summary>Live on standard error when it is a terminal, plain lines when it is redirected (a file, a pipe, CI).</summary>
    public static ProgressDisplay OnStandardError(int totalSteps) => new(Console.Error, totalSteps, live: !Console.IsErrorRedirected);

    public void Report(StepMetrics step)
    {
        elapsedSeconds += step.StepSeconds;
        stepsSeen++;
        var eta = TimeSpan.FromSeconds(elapsedSeconds / stepsSeen * Math.Max(0, totalSteps - stepsSeen));
        if (live)
        {
            string line = ProgressLine.Live(step, totalSteps, eta);
            writer.Write('\r' + line.PadRight(previousWidth));
            previousWidth = line.Length;
            if (stepsSeen >= totalSteps) writer.WriteLine();
        }
        else writer.WriteLine(ProgressLine.Plain(step, totalSteps, eta));
        writer.Flush();
    }
}
