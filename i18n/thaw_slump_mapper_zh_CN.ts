<?xml version='1.0' encoding='utf-8'?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>@default</name>
    <message>
        <location filename="../ui/stub.py" line="91" />
        <source>&amp;Thaw Slump Mapper</source>
        <translation>热融滑塌制图(&amp;T)</translation>
    </message>
    <message>
        <location filename="../qgis_bridge/processing/provider.py" line="21" />
        <source>Thaw Slump Mapper</source>
        <translation>热融滑塌制图</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="53" />
        <source>Inference panel</source>
        <translation>推理面板</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="53" />
        <source>Review panel</source>
        <translation>审核面板</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="65" />
        <source>{panel} ({shortcut})</source>
        <translation>{panel}（{shortcut}）</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="71" />
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="74" />
        <source>Environment…</source>
        <translation>运行环境…</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="93" />
        <source>Thaw Slump Mapper environment</source>
        <translation>热融滑塌制图运行环境</translation>
    </message>
    <message>
        <location filename="../ui/docks.py" line="44" />
        <source>Coming to this panel</source>
        <translation>本面板即将提供</translation>
    </message>
    <message>
        <location filename="../ui/docks.py" line="50" />
        <source>Environment</source>
        <translation>运行环境</translation>
    </message>
    <message>
        <location filename="../ui/docks.py" line="61" />
        <source>Thaw Slump Inference</source>
        <translation>热融滑塌推理</translation>
    </message>
    <message>
        <location filename="../ui/docks.py" line="61" />
        <source>Run a segmentation model over the PlanetScope mosaics of several years in the current map view and get candidate slump polygons.</source>
        <translation>在当前地图视图内，对多个年份的 PlanetScope 镶嵌影像运行分割模型，得到候选热融滑塌多边形。</translation>
    </message>
    <message>
        <location filename="../ui/docks.py" line="61" />
        <source>Mark raster layers as PlanetScope mosaics (16-bit SR or 8-bit RGB) and give each its year.</source>
        <translation>将栅格图层标记为 PlanetScope 镶嵌影像（16 位地表反射率或 8 位 RGB），并注明各自的年份。</translation>
    </message>
    <message>
        <location filename="../ui/docks.py" line="61" />
        <source>Choose a bundled model or add your own ONNX or Torch model, and read its model card.</source>
        <translation>选择内置模型或添加您自己的 ONNX / Torch 模型，并查看其模型说明卡。</translation>
    </message>
    <message>
        <location filename="../ui/docks.py" line="61" />
        <source>Run on the current view in the background, with progress and cancel.</source>
        <translation>在后台对当前视图运行，显示进度并可随时取消。</translation>
    </message>
    <message>
        <location filename="../ui/docks.py" line="61" />
        <source>Change the threshold and minimum area live, without running the model again.</source>
        <translation>实时调整阈值和最小面积，无需重新运行模型。</translation>
    </message>
    <message>
        <location filename="../ui/docks.py" line="78" />
        <source>Thaw Slump Review</source>
        <translation>热融滑塌审核</translation>
    </message>
    <message>
        <location filename="../ui/docks.py" line="78" />
        <source>Step through the candidate slumps with time-lapse thumbnails of every year and accept, reject or edit each one into the training layers.</source>
        <translation>借助逐年延时缩略图逐个检查候选热融滑塌，将每一个接受、拒绝或编辑后写入训练图层。</translation>
    </message>
    <message>
        <location filename="../ui/docks.py" line="78" />
        <source>A queue of candidates ordered by probability, uncertainty or position.</source>
        <translation>按概率、不确定性或位置排序的候选队列。</translation>
    </message>
    <message>
        <location filename="../ui/docks.py" line="78" />
        <source>One thumbnail per year with the same contrast stretch, so change is real.</source>
        <translation>每年一张缩略图，采用相同的对比度拉伸，使看到的变化真实可信。</translation>
    </message>
    <message>
        <location filename="../ui/docks.py" line="78" />
        <source>Accept, reject with a reason, mark unsure or edit, all by keyboard.</source>
        <translation>接受、注明原因拒绝、标记为不确定或编辑，全部可用键盘完成。</translation>
    </message>
    <message>
        <location filename="../ui/docks.py" line="78" />
        <source>Every decision saved to the GeoPackage at once; export of the curated inventory.</source>
        <translation>每个决定立即保存到 GeoPackage；可导出经整理的编目。</translation>
    </message>
    <message>
        <location filename="../ui/environment.py" line="26" />
        <source>ONNX models: ready (onnxruntime {version}, {device}).</source>
        <translation>ONNX 模型：就绪（onnxruntime {version}，{device}）。</translation>
    </message>
    <message>
        <location filename="../ui/environment.py" line="30" />
        <source>Training and Torch models: available (torch installed).</source>
        <translation>训练与 Torch 模型：可用（已安装 torch）。</translation>
    </message>
    <message>
        <location filename="../ui/environment.py" line="32" />
        <source>Training and Torch models: disabled because torch is not installed. ONNX models still run. To enable training run:</source>
        <translation>训练与 Torch 模型：已停用，因为未安装 torch。ONNX 模型仍可运行。如需启用训练，请运行：</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="27" />
        <source>Automatic (GPU when available)</source>
        <translation>自动（有 GPU 时使用 GPU）</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="28" />
        <source>CPU only</source>
        <translation>仅 CPU</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="29" />
        <source>GPU (CUDA)</source>
        <translation>GPU（CUDA）</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="45" />
        <source> m²</source>
        <translation> 平方米</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="55" />
        <source> MB</source>
        <translation> MB</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="57" />
        <source>Your name, recorded with every review decision</source>
        <translation>您的姓名，将随每个审核决定一同记录</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="58" />
        <source>Write debug messages to the log panel</source>
        <translation>将调试信息写入日志面板</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="59" />
        <source>Default probability threshold</source>
        <translation>默认概率阈值</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="60" />
        <source>Default minimum slump area</source>
        <translation>默认最小滑塌面积</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="61" />
        <source>Tiles per batch</source>
        <translation>每批瓦片数</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="62" />
        <source>Compute device</source>
        <translation>计算设备</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="63" />
        <source>Cache folder for probability rasters</source>
        <translation>概率栅格缓存文件夹</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="64" />
        <source>Cache size limit</source>
        <translation>缓存大小上限</translation>
    </message>
    <message>
        <location filename="../ui/options_page.py" line="65" />
        <source>Reviewer name</source>
        <translation>审核人姓名</translation>
    </message>
    <message>
        <location filename="../ui/stub.py" line="37" />
        <source>Thaw Slump Mapper: setup needed</source>
        <translation>热融滑塌制图：需要安装依赖</translation>
    </message>
    <message>
        <location filename="../ui/stub.py" line="39" />
        <source>Thaw Slump Mapper cannot start because these Python packages are missing or broken:</source>
        <translation>热融滑塌制图无法启动，因为以下 Python 包缺失或已损坏：</translation>
    </message>
    <message>
        <location filename="../ui/stub.py" line="47" />
        <source>Run this command in a terminal, then restart QGIS:</source>
        <translation>请在终端中运行以下命令，然后重新启动 QGIS：</translation>
    </message>
    <message>
        <location filename="../ui/stub.py" line="54" />
        <source>Copy command</source>
        <translation>复制命令</translation>
    </message>
    <message>
        <location filename="../ui/stub.py" line="72" />
        <source>Thaw Slump Mapper: setup needed…</source>
        <translation>热融滑塌制图：需要安装依赖…</translation>
    </message>
    <message>
        <location filename="../ui/stub.py" line="77" />
        <source>see details</source>
        <translation>详见说明</translation>
    </message>
    <message>
        <location filename="../ui/stub.py" line="78" />
        <source>Missing or broken Python packages: {names}. Open Plugins ▸ Thaw Slump Mapper for the command that installs them.</source>
        <translation>缺失或损坏的 Python 包：{names}。请打开“插件 ▸ 热融滑塌制图”查看安装命令。</translation>
    </message>
    <message>
        <location filename="../qgis_bridge/processing/environment_algorithm.py" line="26" />
        <source>Check environment</source>
        <translation>检查运行环境</translation>
    </message>
    <message>
        <location filename="../qgis_bridge/processing/environment_algorithm.py" line="29" />
        <source>Setup</source>
        <translation>安装与配置</translation>
    </message>
    <message>
        <location filename="../qgis_bridge/processing/environment_algorithm.py" line="35" />
        <source>Lists the Python packages Thaw Slump Mapper uses, their versions and whether they work, and prints the command that installs anything missing.</source>
        <translation>列出热融滑塌制图使用的 Python 包、其版本及是否可用，并给出安装缺失包的命令。</translation>
    </message>
    <message>
        <location filename="../qgis_bridge/processing/environment_algorithm.py" line="42" />
        <source>Also import optional packages (slow: torch)</source>
        <translation>同时导入可选包（较慢：torch）</translation>
    </message>
    <message>
        <location filename="../qgis_bridge/processing/environment_algorithm.py" line="44" />
        <source>Report</source>
        <translation>报告</translation>
    </message>
    <message>
        <location filename="../qgis_bridge/processing/environment_algorithm.py" line="45" />
        <source>Required packages work</source>
        <translation>必需包可用</translation>
    </message>
    <message>
        <location filename="../qgis_bridge/processing/environment_algorithm.py" line="46" />
        <source>Training is available</source>
        <translation>可以训练</translation>
    </message>
    <message>
        <location filename="../qgis_bridge/processing/provider.py" line="24" />
        <source>Thaw Slump Mapper {version}</source>
        <translation>热融滑塌制图 {version}</translation>
    </message>
</context>
</TS>