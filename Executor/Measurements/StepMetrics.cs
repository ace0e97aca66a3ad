namespace ScalePlanner.Executor.Measurements;

/// <summary>
/// What one optimizer step measured: loss, throughput, where the time went, the gradient norm before clipping, the learning rate;
/// the process's peak resident bytes during the step, model FLOPs utilisation against the device profile's peak (null when no
/// peak is known), whether the step's update was skipped (non-finite values, or a loss spike skipped or rolled back), the fp16
/// loss scale it ran with (1 otherwise) and whether its loss was a spike.
/// </summary>
public sealed record StepMetrics(
    int Step, double Loss, double TokensPerSecond, double StepSeconds, double DataSeconds, double ForwardSeconds, double BackwardSeconds,
    double OptimizerSeconds, double GradientNorm, double LearningRate, long PeakMemoryBytes = 0, double? Mfu = null, bool Skipped = false,
    double LossScale = 1, bool Spike = false);
