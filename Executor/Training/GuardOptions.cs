namespace ScalePlanner.Executor.Training;

/// <summary>
/// The numerical guards' settings: the spike detector's window and threshold and what a spike does; how many bad steps in a
/// row (non-finite, or spikes acted on) mean the run diverged; and a loss above which the run has diverged outright.
/// </summary>
/// <param name="MaxConsecutiveBadSteps">25 halvings take GradScaler's 2^16 below 2^-9: fp16 gradients that still overflow then are not a scale problem.</param>
/// <param name="LossBound">Divergence bound on the loss; +∞ checks nothing (execute sets 2·ln V, twice a uniform guess's loss).</param>
public sealed record GuardOptions(SpikeAction OnSpike = SpikeAction.Warn, int SpikeWindow = 50, double SpikeThreshold = 6,
    int MaxConsecutiveBadSteps = 25, double LossBound = double.PositiveInfinity);
