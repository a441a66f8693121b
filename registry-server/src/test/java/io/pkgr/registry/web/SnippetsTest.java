package io.pkgr.registry.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkgr.bundle.BoolStyle;
import io.pkgr.bundle.Entrypoint;
import io.pkgr.bundle.Param;
import io.pkgr.bundle.ParamType;
import io.pkgr.bundle.Sha256;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnippetsTest {

    private static final Sha256 SHA = Sha256.ofBytes(new byte[] {1});

    @Test
    void everyTypesExampleIsAValueRunAccepts() {
        for (ParamType type : ParamType.values()) {
            Param param = new Param(type, true, null, type == ParamType.ENUM ? List.of("fast", "slow") : List.of(), "");
            param.check(Snippets.example(param, false)); // throws when pkgr run would refuse the value
        }
    }

    @Test
    void theRunLineNamesRequiredParametersAndLeavesDefaultsOut() {
        Map<String, Param> params = new LinkedHashMap<>();
        params.put("start-date", new Param(ParamType.DATE, true, null, List.of(), ""));
        params.put("epochs", new Param(ParamType.INT, false, "10", List.of(), ""));
        params.put("config", new Param(ParamType.JSON, true, null, List.of(), ""));
        Entrypoint train = new Entrypoint(List.of("python", "-m", "train"), params, "", BoolStyle.VALUE);
        Snippets snippets = new Snippets("churn-model", "1.4.0", SHA);

        assertEquals("pkgr run churn-model==1.4.0 train '--config={}' --start-date=2024-05-01", snippets.run("train", train));
        assertEquals("pkgr run churn-model@sha256:" + SHA.hex() + " train '--config={}' --start-date=2024-05-01",
                snippets.runByDigest("train", train));
        assertEquals("BashOperator(task_id=\"train\", bash_command=\"pkgr run churn-model==1.4.0 train"
                + " '--config={}' --start-date={{ ds }}\")", snippets.bashOperator("train", train));
        assertTrue(snippets.kubernetesPodOperator("train", train).contains("arguments=[\"run\", \"--output-file\","
                + " \"/airflow/xcom/return.json\", \"churn-model==1.4.0\", \"train\", \"--config={}\", \"--start-date={{ ds }}\"]"));
    }

    @Test
    void shellWordsAreQuotedWhenTheyNeedIt() {
        assertEquals("a 'b c' 'it'\"'\"'s' '$HOME'", Snippets.shell(List.of("a", "b c", "it's", "$HOME")));
    }
}
