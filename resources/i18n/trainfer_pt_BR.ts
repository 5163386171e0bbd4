<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="pt_BR" sourcelanguage="en">
<context>
    <name>About</name>
    <message>
        <source>not installed</source>
        <translation>não instalado</translation>
    </message>
    <message>
        <source>{0} (CUDA {1})</source>
        <translation>{0} (CUDA {1})</translation>
    </message>
    <message>
        <source>{0} (CPU only)</source>
        <translation>{0} (só CPU)</translation>
    </message>
    <message>
        <source>no NVIDIA GPU ({0})</source>
        <translation>nenhuma GPU NVIDIA ({0})</translation>
    </message>
    <message>
        <source>Trainfer</source>
        <translation>Trainfer</translation>
    </message>
    <message>
        <source>Python</source>
        <translation>Python</translation>
    </message>
    <message>
        <source>torch</source>
        <translation>torch</translation>
    </message>
    <message>
        <source>NVIDIA driver</source>
        <translation>Driver NVIDIA</translation>
    </message>
    <message>
        <source>none</source>
        <translation>nenhum</translation>
    </message>
    <message>
        <source>GPU</source>
        <translation>GPU</translation>
    </message>
    <message>
        <source>PySide6</source>
        <translation>PySide6</translation>
    </message>
    <message>
        <source>{0} (Qt {1})</source>
        <translation>{0} (Qt {1})</translation>
    </message>
    <message>
        <source>pyqtgraph</source>
        <translation>pyqtgraph</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>Pasta de dados</translation>
    </message>
    <message>
        <source>none (runs are not kept in this session)</source>
        <translation>nenhuma (as execuções não são guardadas nesta sessão)</translation>
    </message>
</context>
<context>
    <name>AboutDialog</name>
    <message>
        <source>About Trainfer</source>
        <translation>Sobre o Trainfer</translation>
    </message>
    <message>
        <source>&lt;b&gt;Trainfer&lt;/b&gt; — training vs inference, measured on your own GPU.</source>
        <translation>&lt;b&gt;Trainfer&lt;/b&gt; — treinamento vs. inferência, medidos na sua própria GPU.</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copiar</translation>
    </message>
    <message>
        <source>Copy this text to the clipboard, for a bug report</source>
        <translation>Copiar este texto para a área de transferência, para relatar um bug</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>Copiado</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>Then start Trainfer again.</source>
        <translation>Depois, inicie o Trainfer de novo.</translation>
    </message>
    <message>
        <source>Your earlier runs are still in the damaged file; move it away, or start Trainfer with --data-dir to choose another folder.</source>
        <translation>Suas execuções anteriores continuam no arquivo danificado; mova-o para outro lugar ou inicie o Trainfer com --data-dir para escolher outra pasta.</translation>
    </message>
    <message>
        <source>Runs are not kept in this session; start Trainfer with --data-dir pointing to a folder you can write to.</source>
        <translation>As execuções não são guardadas nesta sessão; inicie o Trainfer com --data-dir apontando para uma pasta em que você possa escrever.</translation>
    </message>
    <message>
        <source>New runs are not saved: {0}</source>
        <translation>As novas execuções não são salvas: {0}</translation>
    </message>
    <message>
        <source>The runs stored there are listed and can be opened and exported; start Trainfer with --data-dir pointing to a folder you can write to, to keep new runs.</source>
        <translation>As execuções guardadas ali são listadas e podem ser abertas e exportadas; para guardar as novas execuções, inicie o Trainfer com --data-dir apontando para uma pasta em que você possa escrever.</translation>
    </message>
</context>
<context>
    <name>BigCard</name>
    <message>
        <source>Training</source>
        <translation>Treinamento</translation>
    </message>
    <message>
        <source>Inference</source>
        <translation>Inferência</translation>
    </message>
    <message>
        <source>Not run yet</source>
        <translation>Ainda não executado</translation>
    </message>
</context>
<context>
    <name>BindingCheck</name>
    <message>
        <source>PySide6 {0} on Python {1}.{2} loses references to None and will crash this window within minutes; install another version: pip install &apos;PySide6-Essentials&lt;6.12&apos;</source>
        <translation>O PySide6 {0} no Python {1}.{2} perde referências a None e vai derrubar esta janela em poucos minutos; instale outra versão: pip install &apos;PySide6-Essentials&lt;6.12&apos;</translation>
    </message>
</context>
<context>
    <name>Card</name>
    <message>
        <source>(estimated)</source>
        <translation>(estimada)</translation>
    </message>
    <message>
        <source>(CPU package and DRAM, RAPL)</source>
        <translation>(pacote da CPU e DRAM, RAPL)</translation>
    </message>
    <message>
        <source>MFU {0}</source>
        <translation>MFU {0}</translation>
    </message>
    <message>
        <source>MFU N/A (no peak rate for this device)</source>
        <translation>MFU N/D (sem pico conhecido para este dispositivo)</translation>
    </message>
    <message>
        <source>{0} instant</source>
        <translation>{0} instantânea</translation>
    </message>
    <message>
        <source>training</source>
        <translation>treinamento</translation>
    </message>
    <message>
        <source>inference</source>
        <translation>inferência</translation>
    </message>
</context>
<context>
    <name>CasesModel</name>
    <message>
        <source>case</source>
        <translation>caso</translation>
    </message>
    <message>
        <source>throughput</source>
        <translation>vazão</translation>
    </message>
    <message>
        <source>step time</source>
        <translation>tempo de passo</translation>
    </message>
    <message>
        <source>status</source>
        <translation>situação</translation>
    </message>
</context>
<context>
    <name>Charts</name>
    <message>
        <source>{0} (N/A)</source>
        <translation>{0} (N/D)</translation>
    </message>
    <message>
        <source>{0} (out of memory)</source>
        <translation>{0} (sem memória)</translation>
    </message>
    <message>
        <source>{0} (failed)</source>
        <translation>{0} (falhou)</translation>
    </message>
    <message>
        <source>{0} (stopped)</source>
        <translation>{0} (parado)</translation>
    </message>
    <message>
        <source>No result yet.</source>
        <translation>Ainda sem resultado.</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Treinamento</translation>
    </message>
    <message>
        <source>Inference</source>
        <translation>Inferência</translation>
    </message>
    <message>
        <source>No case gave a result.</source>
        <translation>Nenhum caso deu resultado.</translation>
    </message>
    <message>
        <source>batch size</source>
        <translation>tamanho do batch</translation>
    </message>
    <message>
        <source>Throughput per case</source>
        <translation>Vazão por caso</translation>
    </message>
    <message>
        <source>Throughput per precision</source>
        <translation>Vazão por precisão</translation>
    </message>
    <message>
        <source>Latency per case (median step time)</source>
        <translation>Latência por caso (tempo de passo mediano)</translation>
    </message>
    <message>
        <source>Latency (step time) vs batch size</source>
        <translation>Latência (tempo de passo) × tamanho do batch</translation>
    </message>
    <message>
        <source>ms (log scale)</source>
        <translation>ms (escala log)</translation>
    </message>
    <message>
        <source>Throughput vs batch size</source>
        <translation>Vazão × tamanho do batch</translation>
    </message>
    <message>
        <source>Tokens per second (generation: after the first token; training: processed)</source>
        <translation>Tokens por segundo (geração: depois do primeiro token; treinamento: processados)</translation>
    </message>
    <message>
        <source>Time to first token</source>
        <translation>Tempo até o primeiro token</translation>
    </message>
    <message>
        <source>Running…</source>
        <translation>Executando…</translation>
    </message>
    <message>
        <source>No generating case gave a result.</source>
        <translation>Nenhum caso de geração deu resultado.</translation>
    </message>
</context>
<context>
    <name>CompareView</name>
    <message>
        <source>Show the latest runs</source>
        <translation>Mostrar as últimas execuções</translation>
    </message>
    <message>
        <source>Compare the latest training and inference runs of the selected model</source>
        <translation>Comparar as últimas execuções de treinamento e de inferência do modelo selecionado</translation>
    </message>
    <message>
        <source>Document: Português (original)</source>
        <translation>Documento: português (original)</translation>
    </message>
    <message>
        <source>Document: English (translation)</source>
        <translation>Documento: inglês (tradução)</translation>
    </message>
    <message>
        <source>Export table…</source>
        <translation>Exportar tabela…</translation>
    </message>
    <message>
        <source>Save the table with its verdicts as a slide-sized PNG, Markdown, HTML or CSV</source>
        <translation>Salvar a tabela com seus veredictos como PNG do tamanho de um slide, Markdown, HTML ou CSV</translation>
    </message>
    <message>
        <source>Complete the table</source>
        <translation>Completar a tabela</translation>
    </message>
    <message>
        <source>List</source>
        <translation>Lista</translation>
    </message>
    <message>
        <source>The document&apos;s claim</source>
        <translation>Afirmação do documento</translation>
    </message>
    <message>
        <source>Verdict</source>
        <translation>Veredicto</translation>
    </message>
    <message>
        <source>Runs (newest first)</source>
        <translation>Execuções (mais recentes primeiro)</translation>
    </message>
    <message>
        <source>Run training or inference of this model first.</source>
        <translation>Execute primeiro o treinamento ou a inferência deste modelo.</translation>
    </message>
    <message>
        <source>Completing the table…</source>
        <translation>Completando a tabela…</translation>
    </message>
    <message>
        <source>Completing the table: run {0} of {1}, {2}…</source>
        <translation>Completando a tabela: execução {0} de {1}, {2}…</translation>
    </message>
    <message>
        <source>Training vs inference — {0}</source>
        <translation>Treinamento vs inferência — {0}</translation>
    </message>
    <message>
        <source>inference used another training run&apos;s weights</source>
        <translation>a inferência usou os pesos de outra execução de treinamento</translation>
    </message>
    <message>
        <source>: run inference again to predict with this training run&apos;s weights</source>
        <translation>: execute a inferência de novo para prever com os pesos desta execução de treinamento</translation>
    </message>
    <message>
        <source>Could not build the comparison: {0}</source>
        <translation>Não foi possível montar a comparação: {0}</translation>
    </message>
    <message>
        <source>Check that Trainfer&apos;s resources folder is installed.</source>
        <translation>Verifique se a pasta resources do Trainfer está instalada.</translation>
    </message>
    <message>
        <source>Run what the claims this pair cannot test need, then judge them: {0}</source>
        <translation>Executar o que as afirmações que este par não consegue testar precisam, e então julgá-las: {0}</translation>
    </message>
    <message>
        <source>Aspect</source>
        <translation>Aspecto</translation>
    </message>
    <message>
        <source>Training
(document)</source>
        <translation>Treinamento
(documento)</translation>
    </message>
    <message>
        <source>Inference
(document)</source>
        <translation>Inferência
(documento)</translation>
    </message>
    <message>
        <source>Training
(measured)</source>
        <translation>Treinamento
(medido)</translation>
    </message>
    <message>
        <source>Inference
(measured)</source>
        <translation>Inferência
(medido)</translation>
    </message>
    <message>
        <source>Training ÷
inference</source>
        <translation>Treinamento ÷
inferência</translation>
    </message>
    <message>
        <source>Could not export the table: {0}</source>
        <translation>Não foi possível exportar a tabela: {0}</translation>
    </message>
    <message>
        <source>Choose a .png, .md, .html or .csv file you can write.</source>
        <translation>Escolha um arquivo .png, .md, .html ou .csv em que você possa escrever.</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Treinamento</translation>
    </message>
    <message>
        <source>Inference</source>
        <translation>Inferência</translation>
    </message>
</context>
<context>
    <name>DashboardExport</name>
    <message>
        <source>Trainfer — training vs inference</source>
        <translation>Trainfer — treinamento vs inferência</translation>
    </message>
    <message>
        <source>Export dashboard</source>
        <translation>Exportar painel</translation>
    </message>
    <message>
        <source>PNG image (*.png)</source>
        <translation>Imagem PNG (*.png)</translation>
    </message>
    <message>
        <source>Could not export the dashboard: {0}</source>
        <translation>Não foi possível exportar o painel: {0}</translation>
    </message>
    <message>
        <source>Choose a folder you can write to and a .png name.</source>
        <translation>Escolha uma pasta em que você possa escrever e um nome .png.</translation>
    </message>
</context>
<context>
    <name>Demo</name>
    <message>
        <source>an {0}</source>
        <translation>uma {0}</translation>
    </message>
    <message>
        <source> and </source>
        <translation> e </translation>
    </message>
    <message>
        <source>a CPU ({0})</source>
        <translation>uma CPU ({0})</translation>
    </message>
    <message>
        <source>a CPU</source>
        <translation>uma CPU</translation>
    </message>
</context>
<context>
    <name>Devices</name>
    <message>
        <source>auto (GPU, else CPU)</source>
        <translation>auto (GPU, senão CPU)</translation>
    </message>
    <message>
        <source>The first NVIDIA GPU; the CPU when there is none</source>
        <translation>A primeira GPU NVIDIA; a CPU quando não houver nenhuma</translation>
    </message>
    <message>
        <source>cpu</source>
        <translation>cpu</translation>
    </message>
    <message>
        <source> ({0:.0f} GiB)</source>
        <translation> ({0:.0f} GiB)</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>Something went wrong: {0}: {1}</source>
        <translation>Algo deu errado: {0}: {1}</translation>
    </message>
    <message>
        <source>This looks like a bug in Trainfer; the details are in the log.</source>
        <translation>Parece um bug do Trainfer; os detalhes estão no log.</translation>
    </message>
    <message>
        <source>A background task failed: {0}: {1}</source>
        <translation>Uma tarefa em segundo plano falhou: {0}: {1}</translation>
    </message>
</context>
<context>
    <name>EventBridge</name>
    <message>
        <source>Lost the run&apos;s events: {0}: {1}</source>
        <translation>Os eventos da execução se perderam: {0}: {1}</translation>
    </message>
    <message>
        <source>This looks like a bug in Trainfer; the details are in the log.</source>
        <translation>Parece um bug do Trainfer; os detalhes estão no log.</translation>
    </message>
</context>
<context>
    <name>ExperimentExport</name>
    <message>
        <source>CSV table (*.csv)</source>
        <translation>Tabela CSV (*.csv)</translation>
    </message>
    <message>
        <source>Markdown (*.md)</source>
        <translation>Markdown (*.md)</translation>
    </message>
    <message>
        <source>Export the experiment&apos;s table</source>
        <translation>Exportar a tabela do experimento</translation>
    </message>
</context>
<context>
    <name>ExperimentsView</name>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Measured seconds of each case, after its warm-up</source>
        <translation>Segundos medidos de cada caso, depois do aquecimento</translation>
    </message>
    <message>
        <source>Run experiment</source>
        <translation>Executar experimento</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Parar</translation>
    </message>
    <message>
        <source>Stop the case in progress and skip the rest</source>
        <translation>Parar o caso em andamento e pular os demais</translation>
    </message>
    <message>
        <source>Experiment</source>
        <translation>Experimento</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modelo</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Dispositivo</translation>
    </message>
    <message>
        <source>Seconds per case</source>
        <translation>Segundos por caso</translation>
    </message>
    <message>
        <source>Guided experiment</source>
        <translation>Experimento guiado</translation>
    </message>
    <message>
        <source>Choose an experiment and press Run.</source>
        <translation>Escolha um experimento e clique em Executar.</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>Exportar CSV…</translation>
    </message>
    <message>
        <source>Save the table as CSV, numbers in numeric columns with their units</source>
        <translation>Salvar a tabela como CSV, com números em colunas numéricas e suas unidades</translation>
    </message>
    <message>
        <source>Export Markdown…</source>
        <translation>Exportar Markdown…</translation>
    </message>
    <message>
        <source>Save the table, with the claim it tests, as Markdown</source>
        <translation>Salvar a tabela, com a afirmação que ela testa, em Markdown</translation>
    </message>
    <message>
        <source>Show in Compare tab</source>
        <translation>Mostrar na aba Comparar</translation>
    </message>
    <message>
        <source>Compare the two runs with the document&apos;s tables, verdicts and memory breakdown</source>
        <translation>Comparar as duas execuções com as tabelas do documento, os veredictos e a divisão da memória</translation>
    </message>
    <message>
        <source>Tests the claim: “{0}”. Each case is a run of its own, kept in History and plotted in the Live tab.</source>
        <translation>Testa a afirmação: “{0}”. Cada caso é uma execução própria, guardada no Histórico e plotada na aba Ao vivo.</translation>
    </message>
    <message>
        <source>Change the “{0}” setting and run the experiment again.</source>
        <translation>Mude a configuração “{0}” e execute o experimento de novo.</translation>
    </message>
    <message>
        <source>Planning the cases…</source>
        <translation>Planejando os casos…</translation>
    </message>
    <message>
        <source>The experiment did not run.</source>
        <translation>O experimento não foi executado.</translation>
    </message>
    <message>
        <source>stopping…</source>
        <translation>parando…</translation>
    </message>
    <message>
        <source>The experiment did not run to the end.</source>
        <translation>O experimento não foi executado até o fim.</translation>
    </message>
    <message>
        <source>case {0} of {1}: {2} — {3}</source>
        <translation>caso {0} de {1}: {2} — {3}</translation>
    </message>
    <message>
        <source>{0} cases; starting the first…</source>
        <translation>{0} casos; iniciando o primeiro…</translation>
    </message>
    <message>
        <source>{0} — cases</source>
        <translation>{0} — casos</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>aguardando</translation>
    </message>
    <message>
        <source>not run</source>
        <translation>não executado</translation>
    </message>
    <message>
        <source>stopped early</source>
        <translation>parado antes do fim</translation>
    </message>
    <message>
        <source>measured</source>
        <translation>medido</translation>
    </message>
    <message>
        <source>starting</source>
        <translation>iniciando</translation>
    </message>
    <message>
        <source>building</source>
        <translation>montando</translation>
    </message>
    <message>
        <source>warm-up</source>
        <translation>aquecimento</translation>
    </message>
    <message>
        <source>measuring</source>
        <translation>medindo</translation>
    </message>
    <message>
        <source>done</source>
        <translation>concluído</translation>
    </message>
    <message>
        <source>did not finish</source>
        <translation>não terminou</translation>
    </message>
    <message>
        <source>{0} of {1} cases measured</source>
        <translation>{0} de {1} casos medidos</translation>
    </message>
    <message>
        <source>{0} not available here</source>
        <translation>{0} não disponível aqui</translation>
    </message>
    <message>
        <source>{0} out of memory</source>
        <translation>{0} sem memória</translation>
    </message>
    <message>
        <source>{0} failed</source>
        <translation>{0} falhou</translation>
    </message>
    <message>
        <source>{0} stopped</source>
        <translation>{0} parado</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>Parado</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Concluído</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Resultado</translation>
    </message>
    <message>
        <source>{0} — {1} on {2}</source>
        <translation>{0} — {1} em {2}</translation>
    </message>
    <message>
        <source>Could not export the table: {0}</source>
        <translation>Não foi possível exportar a tabela: {0}</translation>
    </message>
    <message>
        <source>Choose a folder you can write to and a .csv or .md name.</source>
        <translation>Escolha uma pasta em que você possa escrever e um nome .csv ou .md.</translation>
    </message>
    <message>
        <source>experiment runs #{0} and #{1}</source>
        <translation>execuções #{0} e #{1} do experimento</translation>
    </message>
</context>
<context>
    <name>FileDialogs</name>
    <message>
        <source>Open recording</source>
        <translation>Abrir gravação</translation>
    </message>
    <message>
        <source>Trainfer recordings (*.trainfer);;All files (*)</source>
        <translation>Gravações do Trainfer (*.trainfer);;Todos os arquivos (*)</translation>
    </message>
    <message>
        <source>Export runs as recording</source>
        <translation>Exportar execuções como gravação</translation>
    </message>
    <message>
        <source>Trainfer recordings (*.trainfer)</source>
        <translation>Gravações do Trainfer (*.trainfer)</translation>
    </message>
    <message>
        <source>CSV table (*.csv)</source>
        <translation>Tabela CSV (*.csv)</translation>
    </message>
    <message>
        <source>JSON (*.json)</source>
        <translation>JSON (*.json)</translation>
    </message>
    <message>
        <source>Export run data</source>
        <translation>Exportar dados da execução</translation>
    </message>
</context>
<context>
    <name>HistoryModel</name>
    <message>
        <source>Date</source>
        <translation>Data</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nome</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modelo</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>Modo</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Dispositivo</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Situação</translation>
    </message>
    <message>
        <source>Throughput</source>
        <translation>Vazão</translation>
    </message>
    <message>
        <source>Step time (median)</source>
        <translation>Tempo de passo (mediana)</translation>
    </message>
    <message>
        <source>Peak memory</source>
        <translation>Memória de pico</translation>
    </message>
    <message>
        <source>Energy</source>
        <translation>Energia</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Tags</translation>
    </message>
    <message>
        <source>● running</source>
        <translation>● executando</translation>
    </message>
    <message>
        <source>completed</source>
        <translation>concluída</translation>
    </message>
    <message>
        <source>stopped early</source>
        <translation>parada antes do fim</translation>
    </message>
    <message>
        <source>✖ failed</source>
        <translation>✖ falhou</translation>
    </message>
    <message>
        <source>⚠ interrupted</source>
        <translation>⚠ interrompida</translation>
    </message>
    <message>
        <source>batch {0}</source>
        <translation>batch {0}</translation>
    </message>
    <message>
        <source>{0} ranks</source>
        <translation>{0} ranks</translation>
    </message>
    <message>
        <source>{0} (damaged)</source>
        <translation>{0} (danificada)</translation>
    </message>
    <message>
        <source>Run {0} · {1}</source>
        <translation>Execução {0} · {1}</translation>
    </message>
    <message>
        <source>Imported from {0}</source>
        <translation>Importada de {0}</translation>
    </message>
    <message>
        <source>Trainfer or the run process ended before this run finished; what was measured up to then is kept.</source>
        <translation>O Trainfer ou o processo da execução terminou antes de a execução acabar; o que foi medido até ali está guardado.</translation>
    </message>
    <message>
        <source>Double-click to name this run</source>
        <translation>Clique duas vezes para dar um nome a esta execução</translation>
    </message>
</context>
<context>
    <name>HistoryView</name>
    <message>
        <source>Filter: model, mode, device, name, tag or status (e.g. “resnet infer”)</source>
        <translation>Filtro: modelo, modo, dispositivo, nome, tag ou situação (ex.: “resnet infer”)</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Abrir</translation>
    </message>
    <message>
        <source>Show the selected runs in the Live tab</source>
        <translation>Mostrar as execuções selecionadas na aba Ao vivo</translation>
    </message>
    <message>
        <source>Overlay</source>
        <translation>Sobrepor</translation>
    </message>
    <message>
        <source>Draw the selected runs on the same plots, aligned at their start</source>
        <translation>Desenhar as execuções selecionadas nos mesmos gráficos, alinhadas pelo início</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>Comparar</translation>
    </message>
    <message>
        <source>Fill the Compare tab with the selected training and inference runs</source>
        <translation>Preencher a aba Comparar com as execuções de treinamento e de inferência selecionadas</translation>
    </message>
    <message>
        <source>Replay</source>
        <translation>Reproduzir</translation>
    </message>
    <message>
        <source>Play the selected runs in the Live tab as they happened</source>
        <translation>Reproduzir as execuções selecionadas na aba Ao vivo como aconteceram</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>Renomear</translation>
    </message>
    <message>
        <source>Give the selected run a name</source>
        <translation>Dar um nome à execução selecionada</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Tags</translation>
    </message>
    <message>
        <source>Edit the selected run&apos;s tags (comma separated)</source>
        <translation>Editar as tags da execução selecionada (separadas por vírgula)</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Excluir</translation>
    </message>
    <message>
        <source>Delete the selected runs (can be undone)</source>
        <translation>Excluir as execuções selecionadas (dá para desfazer)</translation>
    </message>
    <message>
        <source>Run data as CSV…</source>
        <translation>Dados da execução em CSV…</translation>
    </message>
    <message>
        <source>Every sample, step and phase of the selected run, one row each</source>
        <translation>Cada amostra, passo e fase da execução selecionada, uma linha cada</translation>
    </message>
    <message>
        <source>Run data as JSON…</source>
        <translation>Dados da execução em JSON…</translation>
    </message>
    <message>
        <source>The selected run and every event, as strict JSON</source>
        <translation>A execução selecionada e todos os seus eventos, em JSON estrito</translation>
    </message>
    <message>
        <source>Runs as recording…</source>
        <translation>Execuções como gravação…</translation>
    </message>
    <message>
        <source>The selected runs in one .trainfer file, to replay or import elsewhere</source>
        <translation>As execuções selecionadas num arquivo .trainfer, para reproduzir ou importar em outro lugar</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exportar</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>Importar…</translation>
    </message>
    <message>
        <source>Add the runs of a .trainfer recording to this list</source>
        <translation>Adicionar a esta lista as execuções de uma gravação .trainfer</translation>
    </message>
    <message>
        <source>Double-click a run to open it · select several to overlay · one training and one inference run to compare</source>
        <translation>Clique duas vezes numa execução para abri-la · selecione várias para sobrepor · uma de treinamento e uma de inferência para comparar</translation>
    </message>
    <message>
        <source>Could not read the run history: {0}</source>
        <translation>Não foi possível ler o histórico de execuções: {0}</translation>
    </message>
    <message>
        <source>Check the data directory, or start Trainfer with --data-dir pointing elsewhere.</source>
        <translation>Verifique a pasta de dados, ou inicie o Trainfer com --data-dir apontando para outro lugar.</translation>
    </message>
    <message>
        <source>The run store could not be opened, so runs are not kept; the banner above says why.</source>
        <translation>O armazenamento de execuções não pôde ser aberto, então as execuções não são guardadas; o aviso acima diz por quê.</translation>
    </message>
    <message>
        <source>No run matches the filter.</source>
        <translation>Nenhuma execução corresponde ao filtro.</translation>
    </message>
    <message>
        <source>No runs yet. Every run you start is kept here as it goes; import runs made elsewhere with Import….</source>
        <translation>Ainda não há execuções. Cada execução que você inicia fica guardada aqui enquanto acontece; importe execuções feitas em outro lugar com Importar….</translation>
    </message>
    <message>
        <source>The change was not saved: {0}</source>
        <translation>A alteração não foi salva: {0}</translation>
    </message>
    <message>
        <source>The runs stay as they were; they can still be opened and exported.</source>
        <translation>As execuções continuam como estavam; elas ainda podem ser abertas e exportadas.</translation>
    </message>
    <message>
        <source>That run no longer exists.</source>
        <translation>Essa execução não existe mais.</translation>
    </message>
    <message>
        <source>It was deleted, perhaps from the command line.</source>
        <translation>Ela foi excluída, talvez pela linha de comando.</translation>
    </message>
    <message>
        <source>Select one training run and one inference run of the same model.</source>
        <translation>Selecione uma execução de treinamento e uma de inferência do mesmo modelo.</translation>
    </message>
    <message>
        <source>Both need a summary: completed or stopped runs, not failed ones.</source>
        <translation>As duas precisam de um resumo: execuções concluídas ou paradas, não as que falharam.</translation>
    </message>
    <message>
        <source>Select one training and one inference run of the same model</source>
        <translation>Selecione uma execução de treinamento e uma de inferência do mesmo modelo</translation>
    </message>
</context>
<context>
    <name>LivePlots</name>
    <message>
        <source>Throughput</source>
        <translation>Vazão</translation>
    </message>
    <message>
        <source>samples/s</source>
        <translation>amostras/s</translation>
    </message>
    <message>
        <source>Step time</source>
        <translation>Tempo de passo</translation>
    </message>
    <message>
        <source>ms</source>
        <translation>ms</translation>
    </message>
    <message>
        <source>Training loss</source>
        <translation>Perda no treinamento</translation>
    </message>
    <message>
        <source>loss</source>
        <translation>perda</translation>
    </message>
    <message>
        <source>GPU utilization (NVML)</source>
        <translation>Utilização da GPU (NVML)</translation>
    </message>
    <message>
        <source>%</source>
        <translation>%</translation>
    </message>
    <message>
        <source>GPU memory in use</source>
        <translation>Memória da GPU em uso</translation>
    </message>
    <message>
        <source>GiB</source>
        <translation>GiB</translation>
    </message>
    <message>
        <source>Power draw</source>
        <translation>Consumo de potência</translation>
    </message>
    <message>
        <source>W</source>
        <translation>W</translation>
    </message>
    <message>
        <source>Energy (cumulative)</source>
        <translation>Energia (acumulada)</translation>
    </message>
    <message>
        <source>J</source>
        <translation>J</translation>
    </message>
    <message>
        <source>CPU utilization (machine)</source>
        <translation>Utilização da CPU (máquina)</translation>
    </message>
    <message>
        <source>Run process memory (RSS)</source>
        <translation>Memória do processo da execução (RSS)</translation>
    </message>
    <message>
        <source>NVML utilization</source>
        <translation>Utilização NVML</translation>
    </message>
    <message>
        <source>SM activity (GPM)</source>
        <translation>Atividade dos SMs (GPM)</translation>
    </message>
    <message>
        <source>Tensor Core activity (GPM)</source>
        <translation>Atividade dos Tensor Cores (GPM)</translation>
    </message>
    <message>
        <source>1 s average (NVML)</source>
        <translation>média de 1 s (NVML)</translation>
    </message>
    <message>
        <source>instant</source>
        <translation>instantânea</translation>
    </message>
    <message>
        <source>GPU (NVML)</source>
        <translation>GPU (NVML)</translation>
    </message>
    <message>
        <source>CPU package + DRAM (RAPL)</source>
        <translation>Pacote da CPU + DRAM (RAPL)</translation>
    </message>
    <message>
        <source>No run yet: press Start on the left, or open a stored run from History.</source>
        <translation>Ainda sem execução: clique em Iniciar à esquerda ou abra uma execução guardada no Histórico.</translation>
    </message>
    <message>
        <source>Samples (tokens for language models) processed per second, step by step: the batch divided by the step time, measured in the run process with CUDA events on a GPU and the host clock on a CPU. Unit: samples/s (tokens/s).</source>
        <translation>Amostras (tokens nos modelos de linguagem) processadas por segundo, passo a passo: o batch dividido pelo tempo de passo, medido no processo da execução com eventos CUDA na GPU e o relógio do host na CPU. Unidade: amostras/s (tokens/s).</translation>
    </message>
    <message>
        <source>Time of one step: forward, and in training also backward and the optimizer step. Measured in the run process with CUDA events on a GPU and the host clock on a CPU. Warm-up steps (hollow circles) are never averaged in. Unit: ms.</source>
        <translation>Tempo de um passo: o forward e, no treinamento, também o backward e o passo do otimizador. Medido no processo da execução com eventos CUDA na GPU e o relógio do host na CPU. Os passos de aquecimento (círculos vazados) nunca entram na média. Unidade: ms.</translation>
    </message>
    <message>
        <source>The training loss of each step (the model&apos;s loss function on its batch), reported by the run process. Inference computes none. Unit: the loss&apos;s own (no physical unit).</source>
        <translation>A perda de treinamento de cada passo (a função de perda do modelo no seu batch), informada pelo processo da execução. A inferência não calcula perda. Unidade: a da própria perda (sem unidade física).</translation>
    </message>
    <message>
        <source>GPU utilization from NVML: the share of time in which at least one kernel ran on the GPU. It does not say how busy the SMs are: one small kernel at a time reads 100%. SM activity and Tensor Core activity (dashed and dotted, NVML&apos;s GPM metrics, Hopper and newer) say that. Unit: %.</source>
        <translation>Utilização da GPU segundo a NVML: a fração do tempo em que ao menos um kernel rodou na GPU. Ela não diz quão ocupados estão os SMs: um kernel pequeno de cada vez já dá 100%. A atividade dos SMs e a dos Tensor Cores (tracejada e pontilhada, métricas GPM da NVML, Hopper e mais novas) dizem isso. Unidade: %.</translation>
    </message>
    <message>
        <source>Memory in use on the whole GPU, from NVML (every process&apos;s, the CUDA context and the allocator&apos;s cache included). The run&apos;s own peak, from the CUDA allocator&apos;s statistics, is in the Compare tab. Unit: GiB.</source>
        <translation>Memória em uso na GPU inteira, segundo a NVML (a de todos os processos, com o contexto CUDA e o cache do alocador). O pico da própria execução, das estatísticas do alocador CUDA, está na aba Comparar. Unidade: GiB.</translation>
    </message>
    <message>
        <source>Power draw of the GPU from NVML: the 1 s average (solid) and, where the GPU has it, the instant reading (faint). Unit: W.</source>
        <translation>Potência da GPU segundo a NVML: a média de 1 s (linha cheia) e, onde a GPU a oferece, a leitura instantânea (clara). Unidade: W.</translation>
    </message>
    <message>
        <source>Energy used since the run started: NVML&apos;s energy counter of the GPU, or power integrated over time (marked estimated) without one; on a CPU the RAPL counters of the CPU packages and DRAM (dashed). Unit: J.</source>
        <translation>Energia gasta desde o início da execução: o contador de energia da GPU na NVML ou, sem ele, a potência integrada no tempo (marcada como estimada); na CPU, os contadores RAPL dos pacotes da CPU e da DRAM (tracejada). Unidade: J.</translation>
    </message>
    <message>
        <source>Utilization of all the machine&apos;s CPU cores (every process, not only the run&apos;s), read from the operating system by psutil in the app&apos;s process. Unit: %.</source>
        <translation>Utilização de todos os núcleos de CPU da máquina (de todos os processos, não só da execução), lida do sistema operacional pelo psutil no processo do aplicativo. Unidade: %.</translation>
    </message>
    <message>
        <source>The run process&apos;s resident set (RSS): the RAM the operating system holds for it, the Python interpreter and torch included (and the tensors on a CPU), read by psutil. Unit: GiB.</source>
        <translation>O conjunto residente (RSS) do processo da execução: a RAM que o sistema operacional reserva para ele, com o interpretador Python e o torch (e os tensores, na CPU), lido pelo psutil. Unidade: GiB.</translation>
    </message>
    <message>
        <source>training</source>
        <translation>treinamento</translation>
    </message>
    <message>
        <source>inference</source>
        <translation>inferência</translation>
    </message>
    <message>
        <source>{0}, warm-up</source>
        <translation>{0}, aquecimento</translation>
    </message>
    <message>
        <source>{0}, {1}</source>
        <translation>{0}, {1}</translation>
    </message>
    <message>
        <source>{0}, GPU {1}</source>
        <translation>{0}, GPU {1}</translation>
    </message>
    <message>
        <source>warm-up steps (not measured)</source>
        <translation>passos de aquecimento (não medidos)</translation>
    </message>
    <message>
        <source>warm-up phase</source>
        <translation>fase de aquecimento</translation>
    </message>
    <message>
        <source>phase change</source>
        <translation>mudança de fase</translation>
    </message>
    <message>
        <source>The GPU plots draw one curve per GPU: the run&apos;s first GPU solid, every other GPU of the machine with its own dashes. NVML reads every GPU at the same rate</source>
        <translation>Os gráficos de GPU desenham uma curva por GPU: a primeira GPU da execução em linha contínua, cada outra GPU da máquina com seu próprio tracejado. O NVML lê todas as GPUs na mesma taxa</translation>
    </message>
    <message>
        <source>x: seconds since Start was pressed</source>
        <translation>x: segundos desde que Iniciar foi clicado</translation>
    </message>
    <message>
        <source>Dashboard PNG…</source>
        <translation>PNG do painel…</translation>
    </message>
    <message>
        <source>Export all plots as one PNG image</source>
        <translation>Exportar todos os gráficos numa única imagem PNG</translation>
    </message>
    <message>
        <source>tokens/s</source>
        <translation>tokens/s</translation>
    </message>
    <message>
        <source>GPU {0}: solid</source>
        <translation>GPU {0}: contínua</translation>
    </message>
    <message>
        <source>GPU {0}: {1} (this run)</source>
        <translation>GPU {0}: {1} (esta execução)</translation>
    </message>
    <message>
        <source>GPU {0}: {1} (not this run)</source>
        <translation>GPU {0}: {1} (fora desta execução)</translation>
    </message>
    <message>
        <source>{0} more GPU(s) not used by this run: View ▸ Every GPU of the machine</source>
        <translation>mais {0} GPU(s) fora desta execução: Exibir ▸ Todas as GPUs da máquina</translation>
    </message>
    <message>
        <source>tokens/s per rank (× {0})</source>
        <translation>tokens/s por rank (× {0})</translation>
    </message>
    <message>
        <source>samples/s per rank (× {0})</source>
        <translation>amostras/s por rank (× {0})</translation>
    </message>
    <message>
        <source>build</source>
        <translation>montagem</translation>
    </message>
    <message>
        <source>warm-up</source>
        <translation>aquecimento</translation>
    </message>
    <message>
        <source>measure</source>
        <translation>medição</translation>
    </message>
    <message>
        <source>done</source>
        <translation>concluído</translation>
    </message>
    <message>
        <source>Energy (cumulative, estimated from power)</source>
        <translation>Energia (acumulada, estimada pela potência)</translation>
    </message>
    <message>
        <source>N/A — {0}</source>
        <translation>N/D — {0}</translation>
    </message>
    <message>
        <source>no NVIDIA GPU found</source>
        <translation>nenhuma GPU NVIDIA encontrada</translation>
    </message>
    <message>
        <source>N/A — not supported by this GPU</source>
        <translation>N/D — não suportado por esta GPU</translation>
    </message>
    <message>
        <source>Inference computes no loss; run training to see it fall.</source>
        <translation>A inferência não calcula perda; execute o treinamento para vê-la cair.</translation>
    </message>
    <message>
        <source>samples/s · tokens/s (language models)</source>
        <translation>amostras/s · tokens/s (modelos de linguagem)</translation>
    </message>
    <message>
        <source>No data in these runs</source>
        <translation>Sem dados nestas execuções</translation>
    </message>
    <message>
        <source>x: seconds since each run started · measured steps only</source>
        <translation>x: segundos desde o início de cada execução · só passos medidos</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Trainfer — training vs inference</source>
        <translation>Trainfer — treinamento vs inferência</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>Ao vivo</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>Comparar</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Histórico</translation>
    </message>
    <message>
        <source>Experiments</source>
        <translation>Experimentos</translation>
    </message>
    <message>
        <source>The new language or data folder applies at the next start of Trainfer.</source>
        <translation>O novo idioma ou a nova pasta de dados vale a partir do próximo início do Trainfer.</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Arquivo</translation>
    </message>
    <message>
        <source>Open recording for replay…</source>
        <translation>Abrir gravação para reproduzir…</translation>
    </message>
    <message>
        <source>Import recording…</source>
        <translation>Importar gravação…</translation>
    </message>
    <message>
        <source>Export selected runs as recording…</source>
        <translation>Exportar execuções selecionadas como gravação…</translation>
    </message>
    <message>
        <source>Export dashboard as PNG…</source>
        <translation>Exportar painel como PNG…</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>&amp;Preferências…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Sair</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>E&amp;xibir</translation>
    </message>
    <message>
        <source>&amp;Presentation</source>
        <translation>&amp;Apresentação</translation>
    </message>
    <message>
        <source>Every &amp;GPU of the machine</source>
        <translation>Todas as &amp;GPUs da máquina</translation>
    </message>
    <message>
        <source>Draw the GPUs the run does not use too (another job on them explains a slow run)</source>
        <translation>Desenhar também as GPUs que a execução não usa (outro trabalho nelas explica uma execução lenta)</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>&amp;Executar</translation>
    </message>
    <message>
        <source>&amp;Start</source>
        <translation>&amp;Iniciar</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>&amp;Parar</translation>
    </message>
    <message>
        <source>Run &amp;again</source>
        <translation>Executar &amp;novamente</translation>
    </message>
    <message>
        <source>Replay speed</source>
        <translation>Velocidade da reprodução</translation>
    </message>
    <message>
        <source>Stop replay</source>
        <translation>Parar reprodução</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>A&amp;juda</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Atalhos de teclado</translation>
    </message>
    <message>
        <source>&amp;About Trainfer</source>
        <translation>&amp;Sobre o Trainfer</translation>
    </message>
    <message>
        <source>An experiment is running; its runs would compete with this one.</source>
        <translation>Um experimento está em andamento; as execuções dele concorreriam com esta.</translation>
    </message>
    <message>
        <source>Stop the experiment in the Experiments tab, or wait for it to end.</source>
        <translation>Pare o experimento na aba Experimentos ou espere ele terminar.</translation>
    </message>
    <message>
        <source>Change the setting and start again.</source>
        <translation>Mude a configuração e inicie de novo.</translation>
    </message>
    <message>
        <source>auto → cuda:0 ({0})</source>
        <translation>auto → cuda:0 ({0})</translation>
    </message>
    <message>
        <source>auto → CPU (no NVIDIA GPU)</source>
        <translation>auto → CPU (nenhuma GPU NVIDIA)</translation>
    </message>
    <message>
        <source>x: seconds since the recorded run started</source>
        <translation>x: segundos desde o início da execução gravada</translation>
    </message>
    <message>
        <source>{0} — {1} on {2}</source>
        <translation>{0} — {1} em {2}</translation>
    </message>
    <message>
        <source>loss {0}, </source>
        <translation>perda {0}, </translation>
    </message>
    <message>
        <source>{0}{1} steps</source>
        <translation>{0}{1} passos</translation>
    </message>
    <message>
        <source>Compare one training run with one inference run of the same model.</source>
        <translation>Compare uma execução de treinamento com uma execução de inferência do mesmo modelo.</translation>
    </message>
    <message>
        <source>Open recording for replay</source>
        <translation>Abrir gravação para reproduzir</translation>
    </message>
    <message>
        <source>Deleted {0} run(s).</source>
        <translation>{0} execução(ões) excluída(s).</translation>
    </message>
    <message>
        <source>They are removed for good when Trainfer closes.</source>
        <translation>Elas são apagadas de vez quando o Trainfer fecha.</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>Desfazer</translation>
    </message>
    <message>
        <source>No NVIDIA GPU was found on this machine.</source>
        <translation>Nenhuma GPU NVIDIA foi encontrada nesta máquina.</translation>
    </message>
    <message>
        <source>Watch runs recorded on {0}, as they happened, or start a run on the CPU.</source>
        <translation>Assista a execuções gravadas em {0}, como aconteceram, ou inicie uma execução na CPU.</translation>
    </message>
    <message>
        <source>Watch recorded runs, as they happened, or start a run on the CPU.</source>
        <translation>Assista a execuções gravadas, como aconteceram, ou inicie uma execução na CPU.</translation>
    </message>
    <message>
        <source>Open demo</source>
        <translation>Abrir demonstração</translation>
    </message>
</context>
<context>
    <name>Memory</name>
    <message>
        <source>parameters</source>
        <translation>parâmetros</translation>
    </message>
    <message>
        <source>gradients</source>
        <translation>gradientes</translation>
    </message>
    <message>
        <source>optimizer</source>
        <translation>otimizador</translation>
    </message>
    <message>
        <source>inputs</source>
        <translation>entradas</translation>
    </message>
    <message>
        <source>activations</source>
        <translation>ativações</translation>
    </message>
    <message>
        <source>other</source>
        <translation>outros</translation>
    </message>
    <message>
        <source>Memory breakdown</source>
        <translation>Divisão da memória</translation>
    </message>
    <message>
        <source>Training</source>
        <translation>Treino</translation>
    </message>
    <message>
        <source>Inference</source>
        <translation>Inferência</translation>
    </message>
    <message>
        <source>Run the model in each mode to see where its memory goes.</source>
        <translation>Execute o modelo em cada modo para ver para onde vai a memória.</translation>
    </message>
    <message>
        <source>No training run yet.</source>
        <translation>Ainda sem execução de treinamento.</translation>
    </message>
    <message>
        <source>No inference run yet.</source>
        <translation>Ainda sem execução de inferência.</translation>
    </message>
    <message>
        <source>optimizer: optimizer state; activations: activations and workspace; other (CPU only): resident memory that none of the tensors accounts for (allocator, libraries).
How it was measured: {0}</source>
        <translation>otimizador: estado do otimizador; ativações: ativações e área de trabalho; outros (só CPU): memória residente que nenhum tensor explica (alocador, bibliotecas).
Como foi medido: {0}</translation>
    </message>
</context>
<context>
    <name>MessageBanner</name>
    <message>
        <source>Dismiss</source>
        <translation>Dispensar</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Erro</translation>
    </message>
</context>
<context>
    <name>Objective</name>
    <message>
        <source>accuracy after training {0}</source>
        <translation>treinamento: acurácia {0}</translation>
    </message>
    <message>
        <source>this training&apos;s weights</source>
        <translation>mesmos pesos</translation>
    </message>
    <message>
        <source>another training&apos;s weights</source>
        <translation>pesos de outro treino</translation>
    </message>
    <message>
        <source>trained weights</source>
        <translation>pesos treinados</translation>
    </message>
    <message>
        <source>random weights</source>
        <translation>pesos aleatórios</translation>
    </message>
    <message>
        <source>inference ({0}) {1}</source>
        <translation>inferência: {1} ({0})</translation>
    </message>
    <message>
        <source>chance {0}</source>
        <translation>acaso {0}</translation>
    </message>
    <message>
        <source>Objective: loss</source>
        <translation>Objetivo: perda</translation>
    </message>
    <message>
        <source>training loss (nats)</source>
        <translation>perda no treinamento (nats)</translation>
    </message>
    <message>
        <source>step</source>
        <translation>passo</translation>
    </message>
    <message>
        <source>Run training to see the loss fall as the weights change.</source>
        <translation>Execute o treinamento para ver a perda cair enquanto os pesos mudam.</translation>
    </message>
    <message>
        <source>This training run has no loss curve (recorded by an older Trainfer).</source>
        <translation>Esta execução de treinamento não tem curva de perda (gravada por um Trainfer mais antigo).</translation>
    </message>
</context>
<context>
    <name>PlotExport</name>
    <message>
        <source>PNG image (*.png)</source>
        <translation>Imagem PNG (*.png)</translation>
    </message>
    <message>
        <source>SVG vector image (*.svg)</source>
        <translation>Imagem vetorial SVG (*.svg)</translation>
    </message>
    <message>
        <source>Export plot</source>
        <translation>Exportar gráfico</translation>
    </message>
    <message>
        <source>Could not export the plot: {0}</source>
        <translation>Não foi possível exportar o gráfico: {0}</translation>
    </message>
    <message>
        <source>Choose a folder you can write to and a .png or .svg name.</source>
        <translation>Escolha uma pasta em que você possa escrever e um nome .png ou .svg.</translation>
    </message>
    <message>
        <source>Could not copy the plot: {0}</source>
        <translation>Não foi possível copiar o gráfico: {0}</translation>
    </message>
    <message>
        <source>Show the plot on screen, then copy it again.</source>
        <translation>Mostre o gráfico na tela e copie de novo.</translation>
    </message>
    <message>
        <source>Export as PNG…</source>
        <translation>Exportar como PNG…</translation>
    </message>
    <message>
        <source>Export as SVG…</source>
        <translation>Exportar como SVG…</translation>
    </message>
    <message>
        <source>Copy to clipboard</source>
        <translation>Copiar para a área de transferência</translation>
    </message>
    <message>
        <source>Export as slide ({0}×{1} PNG)…</source>
        <translation>Exportar como slide ({0}×{1} PNG)…</translation>
    </message>
</context>
<context>
    <name>PlotPanel</name>
    <message>
        <source>PNG</source>
        <translation>PNG</translation>
    </message>
    <message>
        <source>Export this plot as a PNG image</source>
        <translation>Exportar este gráfico como imagem PNG</translation>
    </message>
    <message>
        <source>SVG</source>
        <translation>SVG</translation>
    </message>
    <message>
        <source>Export this plot as an SVG image</source>
        <translation>Exportar este gráfico como imagem SVG</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copiar</translation>
    </message>
    <message>
        <source>Copy this plot to the clipboard as an image</source>
        <translation>Copiar este gráfico para a área de transferência como imagem</translation>
    </message>
    <message>
        <source>s since start</source>
        <translation>s desde o início</translation>
    </message>
    <message>
        <source>{0} s</source>
        <translation>{0} s</translation>
    </message>
</context>
<context>
    <name>PngSizeDialog</name>
    <message>
        <source>PNG size</source>
        <translation>Tamanho do PNG</translation>
    </message>
    <message>
        <source>Custom</source>
        <translation>Personalizado</translation>
    </message>
    <message>
        <source>{0} px wide</source>
        <translation>{0} px de largura</translation>
    </message>
    <message>
        <source>Preset</source>
        <translation>Predefinido</translation>
    </message>
    <message>
        <source>Width</source>
        <translation>Largura</translation>
    </message>
    <message>
        <source>Height</source>
        <translation>Altura</translation>
    </message>
    <message>
        <source>{0} px (keeps the picture&apos;s shape)</source>
        <translation>{0} px (mantém a proporção da imagem)</translation>
    </message>
</context>
<context>
    <name>PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation>Preferências</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>Seguir o sistema</translation>
    </message>
    <message>
        <source>The one used last</source>
        <translation>O último usado</translation>
    </message>
    <message>
        <source> Hz</source>
        <translation> Hz</translation>
    </message>
    <message>
        <source>Whole run</source>
        <translation>Execução inteira</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>PNG image</source>
        <translation>Imagem PNG</translation>
    </message>
    <message>
        <source>SVG vector image</source>
        <translation>Imagem vetorial SVG</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Escolher…</translation>
    </message>
    <message>
        <source>Interface language</source>
        <translation>Idioma da interface</translation>
    </message>
    <message>
        <source>Applies at the next start. trainfer --lang wins over it.</source>
        <translation>Vale a partir do próximo início. trainfer --lang tem precedência.</translation>
    </message>
    <message>
        <source>Device when the window opens</source>
        <translation>Dispositivo ao abrir a janela</translation>
    </message>
    <message>
        <source>Telemetry sampling rate</source>
        <translation>Taxa de amostragem da telemetria</translation>
    </message>
    <message>
        <source>How often NVML and the host are read during a run; applies to new runs.</source>
        <translation>Com que frequência a NVML e o host são lidos durante uma execução; vale para as novas execuções.</translation>
    </message>
    <message>
        <source>Live plots show</source>
        <translation>Gráficos ao vivo mostram</translation>
    </message>
    <message>
        <source>The newest seconds of a run; the plots scroll and keep the whole run (zoom out to see it).</source>
        <translation>Os segundos mais recentes de uma execução; os gráficos rolam e guardam a execução inteira (afaste o zoom para vê-la).</translation>
    </message>
    <message>
        <source>PNG export width</source>
        <translation>Largura do PNG exportado</translation>
    </message>
    <message>
        <source>Plot export format</source>
        <translation>Formato de exportação dos gráficos</translation>
    </message>
    <message>
        <source>What a plot&apos;s export dialog offers first, and what Copy puts on the clipboard besides the image.</source>
        <translation>O que o diálogo de exportação de um gráfico oferece primeiro, e o que Copiar põe na área de transferência além da imagem.</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>Pasta de dados</translation>
    </message>
    <message>
        <source>Now {0} wins over it.</source>
        <translation>Agora {0} tem precedência.</translation>
    </message>
    <message>
        <source>Where runs are kept; empty: the default folder. Applies at the next start; --data-dir and TRAINFER_DATA_DIR win over it.</source>
        <translation>Onde as execuções são guardadas; vazio: a pasta padrão. Vale a partir do próximo início; --data-dir e TRAINFER_DATA_DIR têm precedência.</translation>
    </message>
    <message>
        <source>Trainfer was started with --no-settings: these preferences last until it closes and are not saved.</source>
        <translation>O Trainfer foi iniciado com --no-settings: estas preferências valem até ele fechar e não são salvas.</translation>
    </message>
</context>
<context>
    <name>Present</name>
    <message>
        <source>N/A (run on the CPU)</source>
        <translation>N/D (executado na CPU)</translation>
    </message>
    <message>
        <source>N/A ({0})</source>
        <translation>N/D ({0})</translation>
    </message>
    <message>
        <source>N/A (not measured)</source>
        <translation>N/D (não medido)</translation>
    </message>
    <message>
        <source>Throughput</source>
        <translation>Vazão</translation>
    </message>
    <message>
        <source>Step time</source>
        <translation>Tempo de passo</translation>
    </message>
    <message>
        <source>Peak memory</source>
        <translation>Memória de pico</translation>
    </message>
    <message>
        <source>Power</source>
        <translation>Potência</translation>
    </message>
    <message>
        <source>Energy</source>
        <translation>Energia</translation>
    </message>
</context>
<context>
    <name>Presentation</name>
    <message>
        <source>Leave presentation mode</source>
        <translation>Sair do modo de apresentação</translation>
    </message>
    <message>
        <source>Next tab while presenting (Live, Compare, Experiments)</source>
        <translation>Próxima aba durante a apresentação (Ao vivo, Comparar, Experimentos)</translation>
    </message>
    <message>
        <source>Previous tab while presenting</source>
        <translation>Aba anterior durante a apresentação</translation>
    </message>
</context>
<context>
    <name>ReplayControl</name>
    <message>
        <source>Choose a .trainfer file saved by Trainfer (File → Export runs as recording…).</source>
        <translation>Escolha um arquivo .trainfer salvo pelo Trainfer (Arquivo → Exportar execuções selecionadas como gravação…).</translation>
    </message>
    <message>
        <source>Could not open the recording: {0}</source>
        <translation>Não foi possível abrir a gravação: {0}</translation>
    </message>
    <message>
        <source>Run {0} is no longer in the store.</source>
        <translation>A execução {0} não está mais no armazenamento.</translation>
    </message>
    <message>
        <source>It was deleted, perhaps from the command line.</source>
        <translation>Ela foi excluída, talvez pela linha de comando.</translation>
    </message>
    <message>
        <source>Could not read the runs to replay: {0}</source>
        <translation>Não foi possível ler as execuções a reproduzir: {0}</translation>
    </message>
    <message>
        <source>The store may be damaged; `trainfer runs list` shows what it holds.</source>
        <translation>O armazenamento pode estar danificado; `trainfer runs list` mostra o que ele contém.</translation>
    </message>
    <message>
        <source>There is nothing to replay: no runs were found.</source>
        <translation>Não há nada para reproduzir: nenhuma execução foi encontrada.</translation>
    </message>
    <message>
        <source>Choose a recording or runs that hold events.</source>
        <translation>Escolha uma gravação ou execuções que tenham eventos.</translation>
    </message>
    <message>
        <source>A run is in progress.</source>
        <translation>Uma execução está em andamento.</translation>
    </message>
    <message>
        <source>Stop it or wait for it to end, then replay.</source>
        <translation>Pare-a ou espere ela terminar, e então reproduza.</translation>
    </message>
    <message>
        <source>{0} of {1}</source>
        <translation>{0} de {1}</translation>
    </message>
</context>
<context>
    <name>RunController</name>
    <message>
        <source>replay {0}×</source>
        <translation>reprodução {0}×</translation>
    </message>
    <message>
        <source>{0}, {1}</source>
        <translation>{0}, {1}</translation>
    </message>
    <message>
        <source>A run, a replay or an experiment is in progress.</source>
        <translation>Uma execução, uma reprodução ou um experimento está em andamento.</translation>
    </message>
    <message>
        <source>Stop it, or wait for it to end, then start again.</source>
        <translation>Pare-o ou espere ele terminar, e então inicie de novo.</translation>
    </message>
    <message>
        <source>Could not start the run: {0}</source>
        <translation>Não foi possível iniciar a execução: {0}</translation>
    </message>
    <message>
        <source>Wait for the previous run to end, or restart Trainfer.</source>
        <translation>Espere a execução anterior terminar ou reinicie o Trainfer.</translation>
    </message>
    <message>
        <source>after the step in progress, up to {0:.0f} s; press Stop again to end it now</source>
        <translation>depois do passo em andamento, até {0:.0f} s; clique em Parar de novo para encerrar agora</translation>
    </message>
    <message>
        <source>stopped early</source>
        <translation>parada antes do fim</translation>
    </message>
    <message>
        <source>The replayed run failed when it was recorded: {0}</source>
        <translation>A execução reproduzida falhou quando foi gravada: {0}</translation>
    </message>
    <message>
        <source>A run, a replay or an experiment is in progress; its measurements would compete with the experiment&apos;s.</source>
        <translation>Uma execução, uma reprodução ou um experimento está em andamento; as medições dele concorreriam com as do experimento.</translation>
    </message>
    <message>
        <source>Wait for it to end, or stop it, then run the experiment.</source>
        <translation>Espere ele terminar, ou pare-o, e então execute o experimento.</translation>
    </message>
    <message>
        <source>case {0} of {1}</source>
        <translation>caso {0} de {1}</translation>
    </message>
    <message>
        <source>The experiment broke off: {0}</source>
        <translation>O experimento foi interrompido: {0}</translation>
    </message>
    <message>
        <source>The runs that ended are in History; see the log for details.</source>
        <translation>As execuções que terminaram estão no Histórico; veja o log para detalhes.</translation>
    </message>
</context>
<context>
    <name>RunPanel</name>
    <message>
        <source>Training</source>
        <translation>Treinamento</translation>
    </message>
    <message>
        <source>Inference</source>
        <translation>Inferência</translation>
    </message>
    <message>
        <source>No GPU: {0}</source>
        <translation>Sem GPU: {0}</translation>
    </message>
    <message>
        <source>Processes (ranks) on this machine, through torch.distributed: one per GPU (NCCL), or CPU processes sharing the cores (gloo). Training uses DistributedDataParallel (the batch size is per rank) and averages the gradients across ranks every step (all-reduce); inference runs independent replicas</source>
        <translation>Processos (ranks) nesta máquina, via torch.distributed: um por GPU (NCCL), ou processos na CPU dividindo os núcleos (gloo). O treinamento usa DistributedDataParallel (o tamanho do batch é por rank) e faz a média dos gradientes entre os ranks a cada passo (all-reduce); a inferência roda réplicas independentes</translation>
    </message>
    <message>
        <source>user@gpu-server</source>
        <translation>usuário@servidor-gpu</translation>
    </message>
    <message>
        <source>Empty: run on this machine. A host: run there through your ssh client (your keys and ~/.ssh/config); Trainfer must be installed on it, and its GPU&apos;s telemetry is plotted here.</source>
        <translation>Vazio: executa nesta máquina. Um host: executa lá pelo seu cliente ssh (suas chaves e ~/.ssh/config); o Trainfer precisa estar instalado nele, e a telemetria da GPU dele é plotada aqui.</translation>
    </message>
    <message>
        <source>Samples per step; the lowest value is the default</source>
        <translation>Amostras por passo; o menor valor é o padrão</translation>
    </message>
    <message>
        <source>32-bit floats, TF32 off</source>
        <translation>Floats de 32 bits, TF32 desligado</translation>
    </message>
    <message>
        <source>TF32 matrix multiplies (NVIDIA Ampere or newer)</source>
        <translation>Multiplicações de matrizes em TF32 (NVIDIA Ampere ou mais nova)</translation>
    </message>
    <message>
        <source>bfloat16 autocast (mixed precision)</source>
        <translation>Autocast bfloat16 (precisão mista)</translation>
    </message>
    <message>
        <source>float16 autocast; training uses a gradient scaler</source>
        <translation>Autocast float16; o treinamento usa um gradient scaler</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>segundos</translation>
    </message>
    <message>
        <source>steps</source>
        <translation>passos</translation>
    </message>
    <message>
        <source>Steps run before measuring; never averaged in</source>
        <translation>Passos executados antes de medir; nunca entram na média</translation>
    </message>
    <message>
        <source>AdamW</source>
        <translation>AdamW</translation>
    </message>
    <message>
        <source>SGD (momentum 0.9)</source>
        <translation>SGD (momento 0,9)</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modelo</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>Modo</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Dispositivo</translation>
    </message>
    <message>
        <source>Host (SSH)</source>
        <translation>Host (SSH)</translation>
    </message>
    <message>
        <source>Batch size</source>
        <translation>Tamanho do batch</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>Precisão</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Duração</translation>
    </message>
    <message>
        <source>Warm-up steps</source>
        <translation>Passos de aquecimento</translation>
    </message>
    <message>
        <source>Optimizer</source>
        <translation>Otimizador</translation>
    </message>
    <message>
        <source>Experiment</source>
        <translation>Experimento</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Iniciar</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Parar</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>≈{0} M parameters · {1}</source>
        <translation>≈{0} M de parâmetros · {1}</translation>
    </message>
    <message>
        <source>Weights: random initialization; inference runs of this model that follow will predict with the trained weights.</source>
        <translation>Pesos: inicialização aleatória; as próximas execuções de inferência deste modelo vão prever com os pesos treinados.</translation>
    </message>
    <message>
        <source>Weights: from this session&apos;s training run ({0}).</source>
        <translation>Pesos: da execução de treinamento desta sessão ({0}).</translation>
    </message>
    <message>
        <source>Weights: random (train this model first to predict with trained weights and measure their accuracy).</source>
        <translation>Pesos: aleatórios (treine este modelo primeiro para prever com pesos treinados e medir a acurácia deles).</translation>
    </message>
    <message>
        <source>default ({0})</source>
        <translation>padrão ({0})</translation>
    </message>
</context>
<context>
    <name>RunStatusBar</name>
    <message>
        <source>idle</source>
        <translation>ociosa</translation>
    </message>
    <message>
        <source>building</source>
        <translation>montando</translation>
    </message>
    <message>
        <source>warm-up</source>
        <translation>aquecendo</translation>
    </message>
    <message>
        <source>measuring</source>
        <translation>medindo</translation>
    </message>
    <message>
        <source>measured · held-out check and saving (not timed)</source>
        <translation>medido · acurácia nas amostras de validação e salvamento (não cronometrados)</translation>
    </message>
    <message>
        <source>stopping…</source>
        <translation>parando…</translation>
    </message>
    <message>
        <source>done</source>
        <translation>concluída</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>parada</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>falhou</translation>
    </message>
    <message>
        <source>training</source>
        <translation>treinamento</translation>
    </message>
    <message>
        <source>inference</source>
        <translation>inferência</translation>
    </message>
    <message>
        <source>Run: {0}</source>
        <translation>Execução: {0}</translation>
    </message>
    <message>
        <source>Device: {0}</source>
        <translation>Dispositivo: {0}</translation>
    </message>
</context>
<context>
    <name>RunText</name>
    <message>
        <source>training</source>
        <translation>treinamento</translation>
    </message>
    <message>
        <source>inference</source>
        <translation>inferência</translation>
    </message>
    <message>
        <source>{0} — {1} on {2}, ran {3}</source>
        <translation>{0} — {1} em {2}, executado {3}</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Atalhos de teclado</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Ação</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Teclas</translation>
    </message>
</context>
<context>
    <name>Slide</name>
    <message>
        <source>training</source>
        <translation>treinamento</translation>
    </message>
    <message>
        <source>inference</source>
        <translation>inferência</translation>
    </message>
</context>
<context>
    <name>SourceBanner</name>
    <message>
        <source>Replay speed (× real time)</source>
        <translation>Velocidade da reprodução (× tempo real)</translation>
    </message>
    <message>
        <source>Speed</source>
        <translation>Velocidade</translation>
    </message>
    <message>
        <source>Stop replay</source>
        <translation>Parar reprodução</translation>
    </message>
    <message>
        <source>Clear the stored data from the plots</source>
        <translation>Limpar os dados guardados dos gráficos</translation>
    </message>
    <message>
        <source>REPLAY</source>
        <translation>REPRODUÇÃO</translation>
    </message>
    <message>
        <source>REPLAY stopped</source>
        <translation>REPRODUÇÃO parada</translation>
    </message>
    <message>
        <source>REPLAY finished</source>
        <translation>REPRODUÇÃO concluída</translation>
    </message>
    <message>
        <source>STORED RUN</source>
        <translation>EXECUÇÃO GUARDADA</translation>
    </message>
    <message>
        <source>OVERLAY</source>
        <translation>SOBREPOSIÇÃO</translation>
    </message>
</context>
<context>
    <name>StoredRuns</name>
    <message>
        <source>A run is in progress; stored runs are shown when it has ended.</source>
        <translation>Uma execução está em andamento; as execuções guardadas são mostradas quando ela terminar.</translation>
    </message>
    <message>
        <source>Stop the run, or wait for it to end, then open the runs again.</source>
        <translation>Pare a execução ou espere ela terminar, e então abra as execuções de novo.</translation>
    </message>
    <message>
        <source>There is no run store, so there are no stored runs.</source>
        <translation>Não há armazenamento de execuções, então não há execuções guardadas.</translation>
    </message>
    <message>
        <source>The banner shown at start says why; start Trainfer with --data-dir pointing to a folder you can write to.</source>
        <translation>O aviso mostrado no início diz por quê; inicie o Trainfer com --data-dir apontando para uma pasta em que você possa escrever.</translation>
    </message>
    <message>
        <source>x: seconds since the stored run started</source>
        <translation>x: segundos desde o início da execução guardada</translation>
    </message>
    <message>
        <source>Select at least two runs to overlay.</source>
        <translation>Selecione pelo menos duas execuções para sobrepor.</translation>
    </message>
    <message>
        <source>Hold Ctrl or Shift to select several runs in History.</source>
        <translation>Segure Ctrl ou Shift para selecionar várias execuções no Histórico.</translation>
    </message>
    <message>
        <source>{0} stored runs, aligned at their start</source>
        <translation>{0} execuções guardadas, alinhadas pelo início</translation>
    </message>
    <message>
        <source>a run without a summary cannot be compared</source>
        <translation>uma execução sem resumo não pode ser comparada</translation>
    </message>
    <message>
        <source>stored runs {0} vs {1}</source>
        <translation>execuções guardadas {0} vs {1}</translation>
    </message>
    <message>
        <source>The rows that compare the two runs are marked not comparable; run both modes with the same settings to compare them.</source>
        <translation>As linhas que comparam as duas execuções estão marcadas como não comparáveis; execute os dois modos com as mesmas configurações para compará-las.</translation>
    </message>
    <message>
        <source>Could not compare these runs: {0}</source>
        <translation>Não foi possível comparar estas execuções: {0}</translation>
    </message>
    <message>
        <source>Select one training run and one inference run of the same model, both completed or stopped.</source>
        <translation>Selecione uma execução de treinamento e uma de inferência do mesmo modelo, ambas concluídas ou paradas.</translation>
    </message>
    <message>
        <source>Import recording</source>
        <translation>Importar gravação</translation>
    </message>
    <message>
        <source>Could not import {0}: {1}</source>
        <translation>Não foi possível importar {0}: {1}</translation>
    </message>
    <message>
        <source>Choose a .trainfer file saved by Trainfer (File → Export runs as recording…).</source>
        <translation>Escolha um arquivo .trainfer salvo pelo Trainfer (Arquivo → Exportar execuções selecionadas como gravação…).</translation>
    </message>
    <message>
        <source>Check free disk space and the data directory.</source>
        <translation>Verifique o espaço livre em disco e a pasta de dados.</translation>
    </message>
    <message>
        <source>Imported {0} run(s) from {1}.</source>
        <translation>{0} execução(ões) importada(s) de {1}.</translation>
    </message>
    <message>
        <source>{0} run(s) were already here and were skipped.</source>
        <translation>{0} execução(ões) já estava(m) aqui e foi(ram) ignorada(s).</translation>
    </message>
    <message>
        <source>Select the runs to export in History first.</source>
        <translation>Primeiro selecione no Histórico as execuções a exportar.</translation>
    </message>
    <message>
        <source>Click a run, or hold Ctrl or Shift to select several.</source>
        <translation>Clique numa execução, ou segure Ctrl ou Shift para selecionar várias.</translation>
    </message>
    <message>
        <source>Saved {0} run(s) to {1}.</source>
        <translation>{0} execução(ões) salva(s) em {1}.</translation>
    </message>
    <message>
        <source>Open it on another machine with File → Open recording for replay…, or `trainfer replay {0}`.</source>
        <translation>Abra-a em outra máquina com Arquivo → Abrir gravação para reproduzir…, ou `trainfer replay {0}`.</translation>
    </message>
    <message>
        <source>Saved run {0}&apos;s data to {1}.</source>
        <translation>Dados da execução {0} salvos em {1}.</translation>
    </message>
    <message>
        <source>Run {0} is no longer in the store.</source>
        <translation>A execução {0} não está mais no armazenamento.</translation>
    </message>
    <message>
        <source>It was deleted, perhaps from the command line; the list is refreshed.</source>
        <translation>Ela foi excluída, talvez pela linha de comando; a lista foi atualizada.</translation>
    </message>
    <message>
        <source>Could not read the stored runs: {0}</source>
        <translation>Não foi possível ler as execuções guardadas: {0}</translation>
    </message>
    <message>
        <source>The store may be damaged; `trainfer runs list` shows what it holds.</source>
        <translation>O armazenamento pode estar danificado; `trainfer runs list` mostra o que ele contém.</translation>
    </message>
    <message>
        <source>Could not write {0}: {1}</source>
        <translation>Não foi possível gravar {0}: {1}</translation>
    </message>
    <message>
        <source>Choose a folder you can write to.</source>
        <translation>Escolha uma pasta em que você possa escrever.</translation>
    </message>
</context>
<context>
    <name>SummaryCard</name>
    <message>
        <source>Training</source>
        <translation>Treinamento</translation>
    </message>
    <message>
        <source>Inference</source>
        <translation>Inferência</translation>
    </message>
    <message>
        <source>Not run yet for this model.</source>
        <translation>Ainda não executado para este modelo.</translation>
    </message>
    <message>
        <source>Throughput</source>
        <translation>Vazão</translation>
    </message>
    <message>
        <source>Step time</source>
        <translation>Tempo de passo</translation>
    </message>
    <message>
        <source>{0} median · {1} p95</source>
        <translation>{0} mediana · {1} p95</translation>
    </message>
    <message>
        <source>Peak memory</source>
        <translation>Memória de pico</translation>
    </message>
    <message>
        <source>(allocated)</source>
        <translation>(alocada)</translation>
    </message>
    <message>
        <source>(growth of the process RSS)</source>
        <translation>(crescimento do RSS do processo)</translation>
    </message>
    <message>
        <source>Compute</source>
        <translation>Computação</translation>
    </message>
    <message>
        <source>measured steps&apos; samples (tokens) per second, from the step times; samples/s</source>
        <translation>amostras (tokens) por segundo dos passos medidos, dos tempos de passo; amostras/s</translation>
    </message>
    <message>
        <source>CUDA events on a GPU, the host clock on a CPU; median and 95th percentile, ms</source>
        <translation>eventos CUDA na GPU, o relógio do host na CPU; mediana e percentil 95, ms</translation>
    </message>
    <message>
        <source>the CUDA allocator&apos;s peak allocated on a GPU; on a CPU the growth of the run process&apos;s resident set (RSS); bytes</source>
        <translation>o pico alocado do alocador CUDA na GPU; na CPU, o crescimento do conjunto residente (RSS) do processo da execução; bytes</translation>
    </message>
    <message>
        <source>FLOPs per step from PyTorch&apos;s FLOP counter, divided by the step time; TFLOP/s, and MFU against the GPU&apos;s datasheet peak</source>
        <translation>FLOPs por passo do contador de FLOPs do PyTorch, divididos pelo tempo de passo; TFLOP/s, e MFU em relação ao pico da ficha técnica da GPU</translation>
    </message>
    <message>
        <source>Energy</source>
        <translation>Energia</translation>
    </message>
    <message>
        <source>NVML&apos;s energy counter of the GPU (or power integrated, estimated); on a CPU the RAPL counters; J, and J per sample</source>
        <translation>o contador de energia da GPU na NVML (ou a potência integrada, estimada); na CPU, os contadores RAPL; J, e J por amostra</translation>
    </message>
    <message>
        <source>Mean power</source>
        <translation>Potência média</translation>
    </message>
    <message>
        <source>NVML&apos;s power readings over the measured phase (1 s average and instant); W</source>
        <translation>as leituras de potência da NVML na fase medida (média de 1 s e instantânea); W</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>Execução</translation>
    </message>
    <message>
        <source>{0} · {1} · batch {2} · {3} steps in {4}</source>
        <translation>{0} · {1} · batch {2} · {3} passos em {4}</translation>
    </message>
    <message>
        <source>Step split</source>
        <translation>Divisão do passo</translation>
    </message>
    <message>
        <source>forward {0} + backward {1} + optimizer {2} = {3} ({4})</source>
        <translation>forward {0} + backward {1} + otimizador {2} = {3} ({4})</translation>
    </message>
    <message>
        <source>means</source>
        <translation>médias</translation>
    </message>
    <message>
        <source>medians</source>
        <translation>medianas</translation>
    </message>
    <message>
        <source>trained weights</source>
        <translation>pesos treinados</translation>
    </message>
    <message>
        <source>random weights</source>
        <translation>pesos aleatórios</translation>
    </message>
    <message>
        <source>Accuracy</source>
        <translation>Acurácia</translation>
    </message>
    <message>
        <source>{0} on held-out data ({1}; chance {2})</source>
        <translation>{0} em dados de validação ({1}; acaso {2})</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Observação</translation>
    </message>
    <message>
        <source>stopped early</source>
        <translation>parado antes do fim</translation>
    </message>
    <message>
        <source>Why N/A</source>
        <translation>Por que N/D</translation>
    </message>
</context>
<context>
    <name>TableExport</name>
    <message>
        <source>PNG image for a slide, 1920×1080 (*.png)</source>
        <translation>Imagem PNG para slide, 1920×1080 (*.png)</translation>
    </message>
    <message>
        <source>Markdown (*.md)</source>
        <translation>Markdown (*.md)</translation>
    </message>
    <message>
        <source>HTML page (*.html)</source>
        <translation>Arquivo HTML (*.html)</translation>
    </message>
    <message>
        <source>CSV table (*.csv)</source>
        <translation>Tabela CSV (*.csv)</translation>
    </message>
    <message>
        <source>Export the comparison table</source>
        <translation>Exportar a tabela da comparação</translation>
    </message>
</context>
</TS>
