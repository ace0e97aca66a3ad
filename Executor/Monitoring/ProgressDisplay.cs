using ScalePlanner.Simulator.Simulation;

namespace ScalePlanner.Executor.Monitoring;

/// <summary>
/// Shows training progress on a writer: on a terminal one line rewritten in place after each step (carriage return, padded
/// over the previous line, a newline after the last step); otherwise one plain line per step. The ETA is the mean step time
/// so far times the steps left. A header (e.g. where the data comes from) goes out once, just before the first step, so a
/// run refused before it trains prints only its error.
/// </summary>
public sealed class ProgressDisplay(TextWriter writer, int totalSteps, bool live, string? header = null)
{
    private double elapsedSeconds;
    private int stepsSeen;
    private int previousWidth;

    /// <summary>Live on standard error when it is a terminal, plain lines when it is redirected (a file, a pipe, CI).</summary>
    public static ProgressDisplay OnStandardError(int totalSteps, string? header = null) => new(Console.Error, totalSteps, live: !Console.IsErrorRedirected, header);

    public void Report(StepMetrics step)
    {
        if (stepsSeen == 0 && header is not null) writer.WriteLine(header);
        elapsedSeconds += step.StepSeconds;
        stepsSeen++;
        int left = Math.Max(0, totalSteps - (step.Step + 1));   // a resumed run starts past step 0
        var eta = TimeSpan.FromSeconds(elapsedSeconds / stepsSeen * left);
        if (live)
        {
            string line = ProgressLine.Live(step, totalSteps, eta);
            writer.Write('\r' + line.PadRight(previousWidth));
            previousWidth = line.Length;
            if (left == 0) writer.WriteLine();
        }
        else writer.WriteLine(ProgressLine.Plain(step, totalSteps, eta));
        writer.Flush();
    }
}
