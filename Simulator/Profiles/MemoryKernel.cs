namespace ScalePlanner.Simulator.Profiles;

/// <summary>
/// Classes of memory-bound kernels whose achieved bandwidth differs: element-wise arithmetic into a new tensor (add, multiply),
/// normalisation, softmax, activation functions, plain copies and gathers (embedding lookup), the backward kernels of
/// normalisation, softmax and activation (which read more and, on a CPU, compute more per byte: GeLU's backward evaluates
/// erf and exp), and the optimizer's update (clipping and the Adam step over weights, gradients and moments).
/// A profile without a curve for a backward class uses its forward class's curve.
/// </summary>
public enum MemoryKernel { Elementwise, Normalization, Softmax, Activation, Copy, NormalizationBackward, SoftmaxBackward, ActivationBackward, OptimizerStep }
