package main

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"slices"

	"github.com/muninn-gw/muninn/cache/embed/internal/asset"
)

type graphJSON struct {
	ModelTopology struct {
		Node []struct {
			Name  string   `json:"name"`
			Op    string   `json:"op"`
			Input []string `json:"input"`
		} `json:"node"`
	} `json:"modelTopology"`
	WeightsManifest []struct {
		Paths   []string `json:"paths"`
		Weights []struct {
			Name  string `json:"name"`
			Shape []int  `json:"shape"`
			DType string `json:"dtype"`
		} `json:"weights"`
	} `json:"weightsManifest"`
}

func shardPaths(modelJSON []byte) ([]string, error) {
	var g graphJSON
	if err := json.Unmarshal(modelJSON, &g); err != nil {
		return nil, fmt.Errorf("decode model.json: %w", err)
	}
	var out []string
	for _, grp := range g.WeightsManifest {
		out = append(out, grp.Paths...)
	}
	return out, nil
}

const (
	pa = "module_apply_default/Encoder_en/KonaTransformer/Encode/"
	pm = "module/Encoder_en/KonaTransformer/Encode/"
	ps = pa + "TransformerStack/"
)

// tensorMap names every weight the Go forward pass reads: our name, the graph's name, the
// shape in the graph and the shape stored (1×1 convolution kernels become matrices).
var tensorMap = []struct {
	name, src string
	srcShape  []int
	shape     []int
	dtype     asset.DType
}{
	{"embeddings", "module/Embeddings_en", []int{8002, 256}, []int{8002, 256}, asset.F16},
	{"timing.inv_timescales", ps + "Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1", []int{1, 128}, []int{128}, asset.F32},

	{"l0.ln1.scale", pa + "Layer_0/TransformerLayer/layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat", []int{256}, []int{256}, asset.F32},
	{"l0.ln1.bias", pa + "Layer_0/TransformerLayer/layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat", []int{256}, []int{256}, asset.F32},
	{"l0.residual.kernel", pa + "Layer_0/TransformerLayer/dense/kernel/ConcatPartitions/concat", []int{256, 512}, []int{256, 512}, asset.F16},
	{"l0.residual.bias", pa + "Layer_0/TransformerLayer/dense/bias/ConcatPartitions/concat", []int{512}, []int{512}, asset.F32},
	{"l0.qkv.kernel", pm + "Layer_0/TransformerLayer/MultiheadAttention/qkv_transform_single/kernel/part_0", []int{1, 1, 256, 768}, []int{256, 768}, asset.F16},
	{"l0.qkv.bias", pa + "Layer_0/TransformerLayer/MultiheadAttention/qkv_transform_single/bias/ConcatPartitions/concat", []int{768}, []int{768}, asset.F32},
	{"l0.out.kernel", pm + "Layer_0/TransformerLayer/MultiheadAttention/output_transform_single/kernel/part_0", []int{1, 1, 256, 512}, []int{256, 512}, asset.F16},
	{"l0.out.bias", pa + "Layer_0/TransformerLayer/MultiheadAttention/output_transform_single/bias/ConcatPartitions/concat", []int{512}, []int{512}, asset.F32},
	{"l0.ln2.scale", pa + "Layer_0/TransformerLayer/FFN/layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat", []int{512}, []int{512}, asset.F32},
	{"l0.ln2.bias", pa + "Layer_0/TransformerLayer/FFN/layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat", []int{512}, []int{512}, asset.F32},
	{"l0.ffn1.kernel", ps + "Layer_0/TransformerLayer/FFN/conv1/Tensordot/Reshape_1", []int{512, 1536}, []int{512, 1536}, asset.F16},
	{"l0.ffn1.bias", pa + "Layer_0/TransformerLayer/FFN/conv1/bias/ConcatPartitions/concat", []int{1536}, []int{1536}, asset.F32},
	{"l0.ffn2.kernel", ps + "Layer_0/TransformerLayer/FFN/conv2/Tensordot/Reshape_1", []int{1536, 512}, []int{1536, 512}, asset.F16},
	{"l0.ffn2.bias", pa + "Layer_0/TransformerLayer/FFN/conv2/bias/ConcatPartitions/concat", []int{512}, []int{512}, asset.F32},

	{"l1.ln1.scale", pa + "Layer_1/TransformerLayer/layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat", []int{512}, []int{512}, asset.F32},
	{"l1.ln1.bias", pa + "Layer_1/TransformerLayer/layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat", []int{512}, []int{512}, asset.F32},
	{"l1.qkv.kernel", pm + "Layer_1/TransformerLayer/MultiheadAttention/qkv_transform_single/kernel/part_0", []int{1, 1, 512, 1536}, []int{512, 1536}, asset.F16},
	{"l1.qkv.bias", pa + "Layer_1/TransformerLayer/MultiheadAttention/qkv_transform_single/bias/ConcatPartitions/concat", []int{1536}, []int{1536}, asset.F32},
	{"l1.out.kernel", pm + "Layer_1/TransformerLayer/MultiheadAttention/output_transform_single/kernel/part_0", []int{1, 1, 512, 512}, []int{512, 512}, asset.F16},
	{"l1.out.bias", pa + "Layer_1/TransformerLayer/MultiheadAttention/output_transform_single/bias/ConcatPartitions/concat", []int{512}, []int{512}, asset.F32},
	{"l1.ln2.scale", pa + "Layer_1/TransformerLayer/FFN/layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat", []int{512}, []int{512}, asset.F32},
	{"l1.ln2.bias", pa + "Layer_1/TransformerLayer/FFN/layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat", []int{512}, []int{512}, asset.F32},
	{"l1.ffn1.kernel", ps + "Layer_1/TransformerLayer/FFN/conv1/Tensordot/Reshape_1", []int{512, 1536}, []int{512, 1536}, asset.F16},
	{"l1.ffn1.bias", pa + "Layer_1/TransformerLayer/FFN/conv1/bias/ConcatPartitions/concat", []int{1536}, []int{1536}, asset.F32},
	{"l1.ffn2.kernel", ps + "Layer_1/TransformerLayer/FFN/conv2/Tensordot/Reshape_1", []int{1536, 512}, []int{1536, 512}, asset.F16},
	{"l1.ffn2.bias", pa + "Layer_1/TransformerLayer/FFN/conv2/bias/ConcatPartitions/concat", []int{512}, []int{512}, asset.F32},

	{"pool.kernel", "module/Encoder_en/hidden_layers/tanh_layer_0/weights", []int{512, 512}, []int{512, 512}, asset.F16},
	{"pool.bias", "module/Encoder_en/hidden_layers/tanh_layer_0/bias", []int{512}, []int{512}, asset.F32},
}

// constMap names the graph scalars the forward pass depends on, with the value it assumes
// (checked, to catch a different model behind the same name) and whether the exact value
// is recorded in the weights file.
var constMap = []struct {
	name, src string
	want      float64
	record    bool
}{
	{"layer_norm.epsilon", ps + "Layer_1/TransformerLayer/FFN/layer_prepostprocess/layer_norm/Cast/x", 1e-6, true},
	{"l0.query_scale", ps + "Layer_0/TransformerLayer/MultiheadAttention/mul/y", 0.125, true},
	{"l1.query_scale", ps + "Layer_1/TransformerLayer/MultiheadAttention/mul/y", 1 / math.Sqrt(128), true},
	{"l2.epsilon", "module_apply_default/Encoder_en/hidden_layers/l2_normalize/Maximum/y", 1e-12, true},
	{"attention.padding_bias", ps + "Layer_1/TransformerLayer/MultiheadAttention/DotProductAttention/attention_bias_ignore_padding/mul/y", -1e9, false},
	{"max_tokens", "module_apply_default/Encoder_en/KonaTransformer/ClipToMaxLength/Less/y", 128, true},
	{"sparse.default", pa + "SparseToDense/default_value", -1, false},
	{"l0.heads", ps + "Layer_0/TransformerLayer/MultiheadAttention/split_heads/split_last_dimension/Reshape/shape/3", 64, false},
	{"l1.heads", ps + "Layer_1/TransformerLayer/MultiheadAttention/split_heads/split_last_dimension/Reshape/shape/3", 128, false},
	{"heads", ps + "Layer_1/TransformerLayer/MultiheadAttention/split_heads/split_last_dimension/Reshape/shape/2", 4, true},
}

// structure lists graph edges the hand-written forward pass relies on: if the graph does
// not have them, the Go model would compute something else.
var structure = []struct {
	node, op string
	inputs   []string
}{
	// The token embedding is added twice (once scattered, once gathered with the timing signal).
	{ps + "Layer_0/add", "Add", []string{pa + "Scatter/ScatterNd", ps + "Layer_0/AddTimingSignal/Scatter/ScatterNd"}},
	// Layer 0's residual is a dense projection of its input (256 -> 512), not the input.
	{ps + "Layer_0/TransformerLayer/AdjustResidualInput/Gather/GatherNd", "GatherNd", []string{ps + "Layer_0/add", ps + "Layer_1/TransformerLayer/FFN/StoreMask/ToInt32"}},
	{ps + "Layer_0/TransformerLayer/layer_postprocess/add", "Add", []string{ps + "Layer_0/TransformerLayer/MultiheadAttention/Squeeze_1", ps + "Layer_0/TransformerLayer/AdjustResidualInput/Scatter/ScatterNd"}},
	{ps + "Layer_1/TransformerLayer/layer_postprocess/add", "Add", []string{ps + "Layer_1/TransformerLayer/MultiheadAttention/Squeeze_1", ps + "Layer_0/TransformerLayer/FFN/layer_postprocess/add"}},
	{ps + "Layer_1/TransformerLayer/FFN/conv1/Relu", "Relu", []string{ps + "Layer_1/TransformerLayer/FFN/conv1/BiasAdd"}},
	{"module_apply_default/Encoder_en/hidden_layers/tanh_layer_0/Tanh", "Tanh", []string{"module_apply_default/Encoder_en/hidden_layers/tanh_layer_0/BiasAdd"}},
	// Padding is "no token" (-1), so unknown pieces (id 0) are real tokens.
	{pa + "Greater", "Greater", []string{pa + "SparseToDense", pa + "SparseToDense/default_value"}},
}

// Convert turns the package's files into the weights file.
func Convert(src *Source) ([]byte, error) {
	var g graphJSON
	if err := json.Unmarshal(src.ModelJSON, &g); err != nil {
		return nil, fmt.Errorf("decode model.json: %w", err)
	}
	if err := checkStructure(&g); err != nil {
		return nil, err
	}
	weights, err := loadWeights(&g, src.Shards)
	if err != nil {
		return nil, err
	}
	w := asset.NewWriter(Package, Integrity)
	for _, c := range constMap {
		wt, ok := weights[c.src]
		if !ok || len(wt.data) != 1 {
			return nil, fmt.Errorf("graph constant %s is missing or not a scalar", c.src)
		}
		v := wt.data[0]
		if math.Abs(v-c.want) > 1e-6*math.Max(1, math.Abs(c.want)) {
			return nil, fmt.Errorf("graph constant %s = %g, the Go model assumes %g", c.src, v, c.want)
		}
		if c.record {
			w.Const(c.name, v)
		}
	}
	for _, t := range tensorMap {
		wt, ok := weights[t.src]
		if !ok {
			return nil, fmt.Errorf("weights manifest has no %s", t.src)
		}
		if !slices.Equal(wt.shape, t.srcShape) {
			return nil, fmt.Errorf("%s has shape %v, want %v", t.src, wt.shape, t.srcShape)
		}
		f := make([]float32, len(wt.data))
		for i, v := range wt.data {
			f[i] = float32(v)
		}
		if err := w.Add(t.name, t.shape, t.dtype, f); err != nil {
			return nil, err
		}
	}
	vocab, err := parseVocab(src.VocabJSON)
	if err != nil {
		return nil, err
	}
	if err := w.Vocab(vocab); err != nil {
		return nil, err
	}
	return w.Bytes()
}

func checkStructure(g *graphJSON) error {
	nodes := map[string]int{}
	for i, n := range g.ModelTopology.Node {
		nodes[n.Name] = i
	}
	for _, s := range structure {
		i, ok := nodes[s.node]
		if !ok {
			return fmt.Errorf("graph has no node %s", s.node)
		}
		n := g.ModelTopology.Node[i]
		if n.Op != s.op || !slices.Equal(n.Input, s.inputs) {
			return fmt.Errorf("graph node %s is %s%v, the Go model assumes %s%v", s.node, n.Op, n.Input, s.op, s.inputs)
		}
	}
	return nil
}

type weight struct {
	shape []int
	data  []float64
}

func loadWeights(g *graphJSON, shards map[string][]byte) (map[string]weight, error) {
	out := map[string]weight{}
	for _, grp := range g.WeightsManifest {
		var buf []byte
		for _, p := range grp.Paths {
			b, ok := shards[p]
			if !ok {
				return nil, fmt.Errorf("missing weight shard %s", p)
			}
			buf = append(buf, b...)
		}
		off := 0
		for _, wt := range grp.Weights {
			n := 1
			for _, d := range wt.Shape {
				n *= d
			}
			if off+4*n > len(buf) {
				return nil, fmt.Errorf("weight %s lies beyond the shards", wt.Name)
			}
			data := make([]float64, n)
			for i := range data {
				u := binary.LittleEndian.Uint32(buf[off+4*i:])
				switch wt.DType {
				case "float32":
					data[i] = float64(math.Float32frombits(u))
				case "int32":
					data[i] = float64(int32(u))
				default:
					return nil, fmt.Errorf("weight %s has unsupported dtype %s", wt.Name, wt.DType)
				}
			}
			off += 4 * n
			out[wt.Name] = weight{shape: wt.Shape, data: data}
		}
		if off != len(buf) {
			return nil, fmt.Errorf("weight shards hold %d bytes, manifest accounts for %d", len(buf), off)
		}
	}
	return out, nil
}

// parseVocab reads [[piece, score|null], ...]. A null score is 0, as in JavaScript's
// arithmetic (null + x == x), which the tokenizer relies on.
func parseVocab(b []byte) ([]asset.Piece, error) {
	var raw [][2]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("decode vocab.json: %w", err)
	}
	out := make([]asset.Piece, len(raw))
	for i, e := range raw {
		if err := json.Unmarshal(e[0], &out[i].Text); err != nil {
			return nil, fmt.Errorf("vocab entry %d: %w", i, err)
		}
		if string(e[1]) == "null" {
			continue
		}
		if err := json.Unmarshal(e[1], &out[i].Score); err != nil {
			return nil, fmt.Errorf("vocab entry %d: %w", i, err)
		}
	}
	return out, nil
}
