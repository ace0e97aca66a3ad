namespace ScalePlanner.Simulator.Simulation;

/// <summary>What one optimizer step measured: loss, throughput, where the time went, the gradient norm before clipping, the learning rate.</summary>
public sealed record StepMetrics(
    int Step, double Loss, double TokensPerSecond, double StepSeconds, double DataSeconds, double ForwardSeconds, double BackwardSeconds,
    double OptimizerSeconds, double GradientNorm, double LearningRate);
