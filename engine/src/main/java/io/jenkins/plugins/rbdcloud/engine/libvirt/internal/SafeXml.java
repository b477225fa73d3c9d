package io.jenkins.plugins.rbdcloud.engine.libvirt.internal;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * DOM building, serializing and parsing with the JDK's XML API, configured so that parsing
 * XML from a hypervisor cannot reach files or the network (no DOCTYPE, no external entities).
 */
public final class SafeXml {

    private SafeXml() {}

    public static Document newDocument() {
        return builder().newDocument();
    }

    /** Parses namespace-aware; DOCTYPE declarations are refused. */
    public static Document parse(String xml) {
        try {
            return builder().parse(new InputSource(new StringReader(xml)));
        } catch (SAXException | IOException e) {
            throw new IllegalArgumentException("not well-formed XML: " + e.getMessage(), e);
        }
    }

    /**
     * A streaming reader over {@code xml}, for hot paths where building a DOM costs more than the
     * answer: DTDs and external entities off; the caller refuses a {@code DTD} event (see
     * {@link #refuseDtd}).
     */
    public static XMLStreamReader stream(String xml) {
        try {
            return STREAMS.createXMLStreamReader(new StringReader(xml));
        } catch (XMLStreamException e) {
            throw new IllegalArgumentException("not well-formed XML: " + e.getMessage(), e);
        }
    }

    /** Throws for a DOCTYPE, as {@link #parse} does. */
    public static void refuseDtd(int event) {
        if (event == XMLStreamConstants.DTD) {
            throw new IllegalArgumentException("not well-formed XML: DOCTYPE is not allowed");
        }
    }

    private static final XMLInputFactory STREAMS = streams();

    private static XMLInputFactory streams() {
        XMLInputFactory f = XMLInputFactory.newDefaultFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        return f;
    }

    /** Serializes with two-space indentation and no XML declaration (libvirt's style). */
    public static String write(Document doc) {
        try {
            Transformer t = TRANSFORMERS.get();
            t.reset();
            t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            t.setOutputProperty(OutputKeys.INDENT, "yes");
            t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            t.setOutputProperty("{http://xml.apache.org/xslt}indent-amount", "2");
            StringWriter w = new StringWriter();
            t.transform(new DOMSource(doc), new StreamResult(w));
            return w.toString();
        } catch (TransformerException e) {
            throw new IllegalStateException("cannot serialize XML: " + e.getMessage(), e);
        }
    }

    /** Appends a child element with attributes given as name/value pairs; null values are skipped. */
    public static Element child(Element parent, String name, String... attributes) {
        Element e = parent.getOwnerDocument().createElement(name);
        for (int i = 0; i + 1 < attributes.length; i += 2) {
            if (attributes[i + 1] != null) {
                e.setAttribute(attributes[i], attributes[i + 1]);
            }
        }
        parent.appendChild(e);
        return e;
    }

    /** Appends a child element holding text. */
    public static Element text(Element parent, String name, String text) {
        Element e = child(parent, name);
        e.setTextContent(text);
        return e;
    }

    /*
     * One configured parser and serializer per thread, reset before each use: making the factories
     * cost more than the work itself (reconciliation parses one small document per listed domain,
     * every provision renders one).
     */
    private static final ThreadLocal<DocumentBuilder> BUILDERS = ThreadLocal.withInitial(SafeXml::newBuilder);
    private static final ThreadLocal<Transformer> TRANSFORMERS = ThreadLocal.withInitial(SafeXml::newTransformer);

    private static DocumentBuilder builder() {
        DocumentBuilder b = BUILDERS.get();
        b.reset(); // keeps the factory's safety features
        b.setErrorHandler(null); // the default handler prints to stderr
        return b;
    }

    private static DocumentBuilder newBuilder() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            return f.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("XML parser lacks a safety feature: " + e.getMessage(), e);
        }
    }

    private static Transformer newTransformer() {
        try {
            TransformerFactory tf = TransformerFactory.newInstance();
            tf.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            tf.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            tf.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
            return tf.newTransformer();
        } catch (TransformerException e) {
            throw new IllegalStateException("XML serializer lacks a safety feature: " + e.getMessage(), e);
        }
    }
}
