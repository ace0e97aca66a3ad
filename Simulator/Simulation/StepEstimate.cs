namespace ScalePlanner.Simulator.Simulation;

/// <summary>The numbers of one layout's step, as plain values (no allocation), before they become a <see cref="SimulationResult"/>.</summary>
public readonly record struct StepEstimate(
    TimeParts Time, MemoryParts Memory, int MicroBatches, double ModelFlops, double HardwareFlops, double CheckpointBytes);

/// <summary>Where a step's time goes; <see cref="ExpertParallelComm"/> is the exposed MoE token dispatch and combine.</summary>
public readonly record struct TimeParts(
    double Compute, double Recompute, double PipelineBubble, double TensorParallelComm, double ContextParallelComm,
    double DataParallelCommExposed, double PipelineComm, double OptimizerStep, double DataWait, double ExpertParallelComm = 0)
{
    public double Total => Compute + Recompute + PipelineBubble + TensorParallelComm + ContextParallelComm
                         + DataParallelCommExposed + PipelineComm + OptimizerStep + DataWait + ExpertParallelComm;
}

public readonly record struct MemoryParts(double Weights, double Gradients, double OptimizerStates, double Activations, double Other)
{
    public double Total => Weights + Gradients + OptimizerStates + Activations + Other;
}
