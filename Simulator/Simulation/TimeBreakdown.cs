namespace ScalePlanner.Simulator.Simulation;

/// <summary>Where one step's wall time goes on the slowest pipeline stage; the parts add up to the step time.</summary>
public sealed record TimeBreakdown(
    double Compute, double Recompute, double PipelineBubble, double TensorParallelComm, double ContextParallelComm,
    double DataParallelCommExposed, double PipelineComm, double OptimizerStep, double DataWait)
{
    public double Total => Compute + Recompute + PipelineBubble + TensorParallelComm + ContextParallelComm
                         + DataParallelCommExposed + PipelineComm + OptimizerStep + DataWait;
}
