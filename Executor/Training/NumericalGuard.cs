namespace ScalePlanner.Executor.Training;

/// <summary>What the loop does with a step's update after the guard has looked at it.</summary>
public enum StepVerdict { Apply, Skip, Rollback }

/// <summary>
/// The numerical guards: a step whose loss or gradients are not finite is skipped (fp16's loss scaler lowers its scale on the
/// same signal); a finite loss that is a spike (<see cref="SpikeDetector"/>) is warned about, skipped or rolled back according
/// to <see cref="GuardOptions.OnSpike"/>; <see cref="GuardOptions.MaxConsecutiveBadSteps"/> bad steps in a row, or a loss above
/// <see cref="GuardOptions.LossBound"/>, stop the run with <see cref="TrainingDivergedException"/>.
/// </summary>
public sealed class NumericalGuard(GuardOptions options)
{
    public SpikeDetector Spikes { get; } = new(options.SpikeWindow, options.SpikeThreshold);

    /// <summary>Bad steps (non-finite, or a spike that was skipped or rolled back) in a row so far.</summary>
    public int ConsecutiveBad { get; private set; }

    /// <summary>Judges one step: its summed loss and whether its loss and gradient norm were finite.</summary>
    public (StepVerdict Verdict, bool Spike) Judge(int step, double loss, bool finite)
    {
        if (!finite)
        {
            Bad(step, $"{ConsecutiveBad + 1} consecutive steps with a non-finite loss or gradients");
            return (StepVerdict.Skip, false);
        }
        if (loss > options.LossBound)
            throw new TrainingDivergedException(step, $"loss {loss:F4} is above the bound {options.LossBound:F4}");
        bool spike = Spikes.IsSpike(loss);
        if (!spike || options.OnSpike == SpikeAction.Warn)
        {
            ConsecutiveBad = 0;
            Spikes.Accept(loss);
            return (StepVerdict.Apply, spike);
        }
        Bad(step, $"{ConsecutiveBad + 1} consecutive loss spikes (robust z-score above {options.SpikeThreshold})");
        return (options.OnSpike == SpikeAction.Skip ? StepVerdict.Skip : StepVerdict.Rollback, true);
    }

    /// <summary>Puts back the counters and window taken from a checkpoint.</summary>
    public void Restore(int consecutiveBad, IEnumerable<double> window)
    {
        ConsecutiveBad = consecutiveBad;
        Spikes.Restore(window);
    }

    private void Bad(int step, string reason)
    {
        if (++ConsecutiveBad >= options.MaxConsecutiveBadSteps) throw new TrainingDivergedException(step, reason);
    }
}
