namespace ScalePlanner.Simulator.Simulation;

/// <summary>Bytes per device on the most loaded pipeline stage.</summary>
public sealed record MemoryBreakdown(double Weights, double Gradients, double OptimizerStates, double Activations, double Other)
{
    public double Total => Weights + Gradients + OptimizerStates + Activations + Other;
}
