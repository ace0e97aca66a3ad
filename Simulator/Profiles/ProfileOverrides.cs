using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Profiles;

/// <summary>A measured peak that replaces the data-sheet figure for one precision.</summary>
public sealed record PeakOverride(Precision Precision, double Tflops);

/// <summary>
/// The bandwidth curve of one class of memory-bound kernels, measured in one precision's tensors, or (null, as profiles written
/// before curves were measured per precision) for every precision.
/// </summary>
public sealed record MemoryKernelCurve(MemoryKernel Kernel, EfficiencyCurve Curve, Precision? Precision = null);

/// <summary>A prediction made from the profile next to a measurement that was not used to fit it.</summary>
public sealed record ValidationPoint(string Name, double PredictedSeconds, double MeasuredSeconds)
{
    public double ErrorPercent => (PredictedSeconds - MeasuredSeconds) / MeasuredSeconds * 100;
}
