using ScalePlanner.Simulator.Specs;
using static TorchSharp.torch;

namespace ScalePlanner.Calibration.Kernels;

public static class TorchTypes
{
    public static ScalarType Of(Precision precision) => precision switch
    {
        Precision.Bf16 => ScalarType.BFloat16,
        Precision.Fp16 => ScalarType.Float16,
        _ => ScalarType.Float32,
    };
}
